/**
 * An export's output file, written beside its final name and renamed into
 * place only once complete: a failed export never leaves a half file nor
 * touches the file the user already had.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { writeFailure } from '../output-path.js';

/** Bytes gathered before one write(2). */
const CHUNK = 1 << 20;

export class OutputFile {
  private readonly tmp: string;
  private fd: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'wx');
    } catch (e) {
      throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(path, writeFailure(e)));
    }
  }

  write(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= CHUNK) this.drain();
  }

  private drain(): void {
    try {
      for (const b of this.pending) {
        let at = 0;
        while (at < b.length) at += writeSync(this.fd, b, at, b.length - at);
      }
    } catch (e) {
      throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(this.path, writeFailure(e)));
    }
    this.bytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes what is left and moves the file into place. */
  commit(): void {
    this.drain();
    closeSync(this.fd);
    this.fd = -1;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(this.path, writeFailure(e)));
    }
  }

  /** Drops the partial file. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // never created or already gone
    }
  }
}
