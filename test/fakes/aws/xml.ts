// A small XML writer for the AWS Query protocol's responses: lists are <member> elements, maps are
// <entry><key/><value/></entry> (as in IAM's SummaryMap), timestamps are ISO 8601.

/** Marks a record to be written as a Query-protocol map rather than a structure. */
export class XmlMap {
  constructor(readonly entries: Record<string, string | number | boolean>) {}
}

export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | XmlMap | { [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** ISO 8601 with seconds, as IAM and STS write timestamps ("2026-11-25T10:11:12Z"). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function writeContent(value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoSeconds(value);
  if (Array.isArray(value)) return value.map((item) => `<member>${writeContent(item)}</member>`).join('');
  if (value instanceof XmlMap) {
    return Object.entries(value.entries)
      .map(([key, entry]) => `<entry><key>${escapeXml(key)}</key><value>${escapeXml(String(entry))}</value></entry>`)
      .join('');
  }
  if (typeof value === 'object') return writeElements(value);
  return escapeXml(String(value));
}

/** Writes each defined field as an element, in insertion order; undefined fields are left out as AWS does. */
export function writeElements(fields: { [name: string]: XmlValue }): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${writeContent(value)}</${name}>`)
    .join('');
}
