/** Where commands print; one place so JSON output stays clean and human output knows the terminal width. */
export const out = {
  line(text = ''): void {
    process.stdout.write(`${text}\n`);
  },
  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  },
  error(text: string): void {
    process.stderr.write(`${text}\n`);
  },
  width(): number {
    return process.stdout.isTTY ? process.stdout.columns : 200;
  },
  interactive(): boolean {
    return process.stdout.isTTY === true;
  },
};
