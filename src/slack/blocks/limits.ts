// Block Kit's documented limits as a pure check: no offline validator exists, so renderers are tested with this.
// It checks the limits our renderers can hit, not every rule of every block type.
import type { Block, KnownBlock } from '@slack/types';

export const BLOCK_KIT_LIMITS = Object.freeze({
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
});

export interface LimitViolation {
  /** Where, e.g. "blocks[3].text.text". */
  path: string;
  /** The rule broken, e.g. "section text is 1 to 3000 characters". */
  rule: string;
  /** The offending size or value. */
  actual: number | string;
}

export interface MessageToCheck {
  text?: string;
  blocks?: ReadonlyArray<KnownBlock | Block>;
}

type Loose = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as Loose).text === 'string') return (value as Loose).text as string;
  return undefined;
}

class Checker {
  readonly violations: LimitViolation[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  atMost(path: string, rule: string, actual: number, max: number): void {
    if (actual > max) this.violations.push({ path, rule, actual });
  }

  textLength(path: string, rule: string, text: string | undefined, max: number, min = 0): void {
    if (text === undefined) {
      if (min > 0) this.violations.push({ path, rule, actual: 'missing' });
      return;
    }
    if (text.length < min || text.length > max) this.violations.push({ path, rule, actual: text.length });
  }

  blockId(path: string, blockId: unknown): void {
    if (typeof blockId !== 'string') return;
    this.atMost(`${path}.block_id`, `block_id is at most ${BLOCK_KIT_LIMITS.blockId} characters`, blockId.length, BLOCK_KIT_LIMITS.blockId);
    if (this.blockIds.has(blockId)) this.violations.push({ path: `${path}.block_id`, rule: 'block_id is unique in a message', actual: blockId });
    this.blockIds.add(blockId);
  }

  element(path: string, element: Loose): void {
    const actionId = element.action_id;
    if (typeof actionId === 'string') {
      this.atMost(`${path}.action_id`, `action_id is at most ${BLOCK_KIT_LIMITS.actionId} characters`, actionId.length, BLOCK_KIT_LIMITS.actionId);
      if (this.actionIds.has(actionId)) this.violations.push({ path: `${path}.action_id`, rule: 'action_id is unique in a message', actual: actionId });
      this.actionIds.add(actionId);
    }
    if (element.type === 'button') {
      this.textLength(`${path}.text.text`, `button text is 1 to ${BLOCK_KIT_LIMITS.buttonText} characters`, textOf(element.text), BLOCK_KIT_LIMITS.buttonText, 1);
      if (typeof element.value === 'string') {
        this.atMost(`${path}.value`, `button value is at most ${BLOCK_KIT_LIMITS.buttonValue} characters`, element.value.length, BLOCK_KIT_LIMITS.buttonValue);
      }
      if (typeof element.url === 'string') {
        this.atMost(`${path}.url`, `button url is at most ${BLOCK_KIT_LIMITS.buttonUrl} characters`, element.url.length, BLOCK_KIT_LIMITS.buttonUrl);
      }
    }
  }

  block(path: string, block: Loose): void {
    this.blockId(path, block.block_id);
    switch (block.type) {
      case 'section': {
        const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : undefined;
        if (block.text === undefined && fields === undefined) {
          this.violations.push({ path, rule: 'a section has text or fields', actual: 'neither' });
        }
        if (block.text !== undefined) {
          this.textLength(`${path}.text.text`, `section text is 1 to ${BLOCK_KIT_LIMITS.sectionText} characters`, textOf(block.text), BLOCK_KIT_LIMITS.sectionText, 1);
        }
        if (fields) {
          this.atMost(`${path}.fields`, `a section has at most ${BLOCK_KIT_LIMITS.sectionFields} fields`, fields.length, BLOCK_KIT_LIMITS.sectionFields);
          fields.forEach((field, index) => {
            this.textLength(`${path}.fields[${index}].text`, `a section field is 1 to ${BLOCK_KIT_LIMITS.sectionFieldText} characters`, textOf(field), BLOCK_KIT_LIMITS.sectionFieldText, 1);
          });
        }
        if (block.accessory && typeof block.accessory === 'object') this.element(`${path}.accessory`, block.accessory as Loose);
        break;
      }
      case 'header':
        this.textLength(`${path}.text.text`, `header text is 1 to ${BLOCK_KIT_LIMITS.headerText} characters`, textOf(block.text), BLOCK_KIT_LIMITS.headerText, 1);
        break;
      case 'context': {
        const elements = Array.isArray(block.elements) ? (block.elements as unknown[]) : [];
        this.atMost(`${path}.elements`, `a context block has at most ${BLOCK_KIT_LIMITS.contextElements} elements`, elements.length, BLOCK_KIT_LIMITS.contextElements);
        break;
      }
      case 'actions': {
        const elements = Array.isArray(block.elements) ? (block.elements as Loose[]) : [];
        this.atMost(`${path}.elements`, `an actions block has at most ${BLOCK_KIT_LIMITS.actionsElements} elements`, elements.length, BLOCK_KIT_LIMITS.actionsElements);
        elements.forEach((element, index) => this.element(`${path}.elements[${index}]`, element));
        break;
      }
      default:
        break;
    }
  }
}

/** Every Block Kit limit `message` breaks; an empty list means Slack will not reject it for size or shape. */
export function checkBlockKitLimits(message: MessageToCheck): LimitViolation[] {
  const checker = new Checker();
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    checker.violations.push({ path: 'text', rule: 'a top-level text fallback is present', actual: 'missing' });
  }
  const blocks = message.blocks ?? [];
  checker.atMost('blocks', `a message has at most ${BLOCK_KIT_LIMITS.blocksPerMessage} blocks`, blocks.length, BLOCK_KIT_LIMITS.blocksPerMessage);
  blocks.forEach((block, index) => checker.block(`blocks[${index}]`, block as unknown as Loose));
  return checker.violations;
}
