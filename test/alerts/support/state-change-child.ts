// A separate process with its own store handle on a shared file: waits for "go", then presses a button
// on every alert given, as fast as it can, and reports which presses changed something.
import { setAlertState, type AlertAction } from '../../../src/alerts/index.js';
import { openSqliteStore } from '../../../src/store/index.js';

interface Job {
  path: string;
  userId: string;
  action: AlertAction;
  alertIds: number[];
}

const send = (message: unknown) => process.send?.(message);

process.once('message', (message: Job) => {
  const store = openSqliteStore({ path: message.path });
  send({ type: 'ready' });
  process.once('message', async () => {
    const changed: number[] = [];
    for (const alertId of message.alertIds) {
      const result = await setAlertState(store, alertId, message.action, message.userId, `pressed by ${message.userId}`);
      if (result.changed) changed.push(alertId);
    }
    await store.close();
    send({ type: 'done', changed });
  });
});
