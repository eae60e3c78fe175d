/** Splits a commit's first line into plain text and the story keys found in it, for highlighting. Pure. */

export interface Segment {
  text: string;
  isKey: boolean;
}

/** Every occurrence of each key is marked (the server found the keys; here they are only located). */
export function highlightKeys(line: string, keys: string[]): Segment[] {
  const marked = new Array<boolean>(line.length).fill(false);
  for (const key of keys) {
    if (key === "") continue;
    for (let at = line.indexOf(key); at >= 0; at = line.indexOf(key, at + key.length)) marked.fill(true, at, at + key.length);
  }
  const segments: Segment[] = [];
  for (let i = 0; i < line.length; i++) {
    const last = segments.at(-1);
    if (last && last.isKey === marked[i]) last.text += line[i];
    else segments.push({ text: line[i], isKey: marked[i] });
  }
  return segments;
}
