/** Keeps the last `maxChars` characters of a text stream (an agent's stderr), for crash reports. */
export class TailBuffer {
  private text = '';

  constructor(private readonly maxChars = 8192) {}

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }

  /** The kept tail, starting at a line boundary when one is near. */
  value(): string {
    if (this.text.length <= this.maxChars) return this.text;
    const tail = this.text.slice(-this.maxChars);
    const nl = tail.indexOf('\n');
    return nl !== -1 && nl < 200 ? tail.slice(nl + 1) : tail;
  }
}
