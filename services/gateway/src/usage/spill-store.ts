import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { type EventsLogger } from '@maas/events';
import { errorMessage, type UsageMessage } from './usage-record.js';

export interface SpillStoreOptions {
  /** The spill directory (USAGE_SPILL_DIR); each process writes in its own subdirectory. */
  dir: string;
  /** Bound of the bytes on disk not yet acknowledged by Kafka; appends beyond it fail. */
  maxBytes: number;
  /** A segment file is closed (and a new one started) once it holds this many bytes. */
  segmentBytes: number;
  logger: EventsLogger;
}

/** The spill holds `maxBytes` already (or the disk refused the write). */
export class SpillFullError extends Error {}

/** One segment file: records appended in order, replayed and deleted as a whole. */
export interface SpillSegment {
  readonly path: string;
  bytes: number;
  records: number;
}

/** A segment's records, read back for replay; `ack` it once Kafka has them all. */
export interface SpillChunk {
  segment: SpillSegment;
  messages: UsageMessage[];
}

// A record: [u32 length of the payload][u32 CRC-32 of the payload][payload], payload =
// [u16 key length][key UTF-8][envelope bytes]. A crash can only tear the last record of a
// segment (appends go to the end, and a segment is closed after a failed write), so reading
// stops at the first record that is incomplete or fails its CRC.
const HEADER = 8;
const SEGMENT = /^seg-\d{12}\.usage$/;
/** `<host>.<pid>.<random>`: whose directory it is, to tell a live owner from a dead one. */
const OWNER = /^(.+)\.(\d+)\.[0-9a-f]{8}$/;
const ADOPTED = 'adopted-';

/** Directories of recorders open in this process: never adopted, even though the pid is ours. */
const openHere = new Set<string>();

export function encodeRecords(messages: readonly UsageMessage[]): Buffer {
  const parts: Buffer[] = [];
  for (const { key, value } of messages) {
    const keyBytes = Buffer.from(key, 'utf8');
    const payload = Buffer.allocUnsafe(2 + keyBytes.length + value.byteLength);
    payload.writeUInt16BE(keyBytes.length, 0);
    keyBytes.copy(payload, 2);
    payload.set(value, 2 + keyBytes.length);
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32(payload), 4);
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}

/** The whole records of a segment's bytes, and how many bytes at the end were not one. */
export function decodeRecords(bytes: Buffer): { messages: UsageMessage[]; tornBytes: number } {
  const messages: UsageMessage[] = [];
  let at = 0;
  while (at + HEADER <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + HEADER + length;
    if (length < 2 || end > bytes.length) break;
    const payload = bytes.subarray(at + HEADER, end);
    if (crc32(payload) !== bytes.readUInt32BE(at + 4)) break;
    const keyLength = payload.readUInt16BE(0);
    if (2 + keyLength > payload.length) break;
    messages.push({
      key: payload.subarray(2, 2 + keyLength).toString('utf8'),
      value: Uint8Array.prototype.slice.call(payload, 2 + keyLength),
    });
    at = end;
  }
  return { messages, tornBytes: bytes.length - at };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a directory of the spill belongs to a process that is gone. Only this host's
 * processes can be judged (a directory of another host is left alone); our own pid means a
 * previous process of this container (pid 1 again after a restart), unless a recorder of
 * this process has it open.
 */
function isOrphan(path: string): boolean {
  const owner = OWNER.exec(basename(path));
  if (!owner || owner[1] !== hostname() || openHere.has(path)) return false;
  const pid = Number(owner[2]);
  return pid === process.pid || !isAlive(pid);
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The local spill of usage records Kafka could not take: append-only segment files,
 * fsync'd once per append (one append per flush), replayed oldest first, and deleted once
 * Kafka acknowledged all their records. Each process writes in its own subdirectory of the
 * spill directory; at open (and on `adoptOrphans`) it moves the subdirectories of processes
 * that are gone (killed, crashed, a previous container) into its own, so their records are
 * replayed too. All file operations run one at a time.
 */
export class SpillStore {
  private ownDir = '';
  private readonly segments: SpillSegment[] = [];
  private active?: { segment: SpillSegment; handle: FileHandle };
  private queue: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  private bytesOnDisk = 0;
  private recordsOnDisk = 0;

  constructor(private readonly options: SpillStoreOptions) {}

  /** This process's directory. */
  get directory(): string {
    return this.ownDir;
  }

  /** Records on disk not yet acknowledged. */
  get records(): number {
    return this.recordsOnDisk;
  }

  get bytes(): number {
    return this.bytesOnDisk;
  }

  /** Whether there are records to replay. */
  get pending(): boolean {
    return this.segments.length > 0;
  }

  /** Creates this process's directory and adopts the records of processes that are gone. */
  async open(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const name = `${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
    this.ownDir = join(this.options.dir, name);
    await mkdir(this.ownDir);
    openHere.add(this.ownDir);
    await this.adoptOrphans();
  }

  /** Moves orphaned directories into this one and queues their segments; returns their records. */
  adoptOrphans(): Promise<number> {
    return this.serially(async () => {
      let adopted = 0;
      for (const entry of await readdir(this.options.dir).catch(() => [])) {
        const path = join(this.options.dir, entry);
        if (path === this.ownDir || !isOrphan(path)) continue;
        const target = join(this.ownDir, `${ADOPTED}${entry}`);
        try {
          await rename(path, target); // atomic: of two adopting processes, one wins
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
        adopted += await this.index(target);
      }
      if (adopted > 0)
        this.options.logger.info(
          { records: adopted },
          'usage records of a stopped process adopted',
        );
      return adopted;
    });
  }

  /**
   * Appends records and fsyncs them; resolves once they are on disk, with how many of them
   * (the first ones) fit under `maxBytes`. Rejects with SpillFullError when none fits, and with the disk's error (e.g. ENOSPC) when the write
   * fails (the segment is then closed, so a partial write can only be its end).
   */
  append(messages: readonly UsageMessage[]): Promise<number> {
    if (messages.length === 0) return Promise.resolve(0);
    return this.serially(async () => {
      const { bytes, count } = this.fitting(messages);
      if (count === 0) throw new SpillFullError(`usage spill full (${this.bytesOnDisk} bytes)`);
      const { segment, handle } = this.active ?? (await this.newSegment());
      try {
        await handle.write(bytes);
        await handle.datasync();
      } catch (error) {
        await handle.truncate(segment.bytes).catch(() => undefined);
        await this.seal();
        throw error;
      }
      segment.bytes += bytes.length;
      segment.records += count;
      this.bytesOnDisk += bytes.length;
      this.recordsOnDisk += count;
      if (segment.bytes >= this.options.segmentBytes) await this.seal();
      return count;
    });
  }

  /** The encoded records of the longest prefix of `messages` that fits under maxBytes. */
  private fitting(messages: readonly UsageMessage[]): { bytes: Buffer; count: number } {
    const room = this.options.maxBytes - this.bytesOnDisk;
    const bytes = encodeRecords(messages);
    if (bytes.length <= room) return { bytes, count: messages.length };
    let count = 0;
    let size = 0;
    for (const m of messages) {
      const next = encodeRecords([m]).length;
      if (size + next > room) break;
      size += next;
      count += 1;
    }
    return { bytes: bytes.subarray(0, size), count };
  }

  /**
   * Appends records synchronously, in a segment of their own (records taken after the
   * recorder stopped: nothing asynchronous may run any more). Throws when the write fails.
   */
  appendSync(messages: readonly UsageMessage[]): void {
    if (messages.length === 0) return;
    const bytes = encodeRecords(messages);
    mkdirSync(this.ownDir, { recursive: true });
    const path = this.segmentPath();
    writeFileSync(path, bytes, { flag: 'wx', flush: true });
    this.segments.push({ path, bytes: bytes.length, records: messages.length });
    this.bytesOnDisk += bytes.length;
    this.recordsOnDisk += messages.length;
  }

  /** The oldest segment's records (closing it first if it is the one being written). */
  next(): Promise<SpillChunk | undefined> {
    return this.serially(async () => {
      const segment = this.segments[0];
      if (!segment) return undefined;
      if (this.active?.segment === segment) await this.seal();
      const bytes = await readFile(segment.path).catch((error: unknown) => {
        if (isMissing(error)) return Buffer.alloc(0);
        throw error;
      });
      const { messages, tornBytes } = decodeRecords(bytes);
      if (tornBytes > 0) {
        this.options.logger.warn(
          { segment: segment.path, tornBytes, records: messages.length },
          'usage spill segment ends with a torn record (a crash while writing); skipped',
        );
      }
      return { segment, messages };
    });
  }

  /** Kafka has every record of the chunk: its segment is deleted. */
  ack(chunk: SpillChunk): Promise<void> {
    return this.serially(async () => {
      const { segment } = chunk;
      const index = this.segments.indexOf(segment);
      if (index < 0) return;
      await unlink(segment.path).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
      this.segments.splice(index, 1);
      this.bytesOnDisk -= segment.bytes;
      this.recordsOnDisk -= segment.records;
      // An adopted directory goes once its last segment is replayed.
      for (let dir = dirname(segment.path); dir.startsWith(`${this.ownDir}/`); dir = dirname(dir)) {
        if (
          !(await rmdir(dir).then(
            () => true,
            () => false,
          ))
        )
          break;
      }
    });
  }

  /**
   * Closes the segment being written. This process's directory is removed when empty, so
   * the spill directory does not fill with the empty directories of past processes;
   * otherwise the next process adopts it.
   */
  close(): Promise<void> {
    return this.serially(async () => {
      await this.seal();
      openHere.delete(this.ownDir);
      if (this.segments.length === 0) await rmdir(this.ownDir).catch(() => undefined);
    });
  }

  private segmentPath(): string {
    this.sequence += 1;
    return join(this.ownDir, `seg-${String(this.sequence).padStart(12, '0')}.usage`);
  }

  private async newSegment(): Promise<{ segment: SpillSegment; handle: FileHandle }> {
    const path = this.segmentPath();
    const handle = await open(path, 'wx');
    const segment: SpillSegment = { path, bytes: 0, records: 0 };
    this.segments.push(segment);
    this.active = { segment, handle };
    return this.active;
  }

  private async seal(): Promise<void> {
    const active = this.active;
    this.active = undefined;
    if (!active) return;
    await active.handle.close().catch((error: unknown) => {
      this.options.logger.warn({ err: errorMessage(error) }, 'closing a usage spill segment');
    });
  }

  /** Queues the segments found under `dir` (depth first, in name order); returns their records. */
  private async index(dir: string): Promise<number> {
    let records = 0;
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        records += await this.index(path);
      } else if (SEGMENT.test(entry.name)) {
        const bytes = await readFile(path);
        const { messages } = decodeRecords(bytes);
        this.segments.push({ path, bytes: bytes.length, records: messages.length });
        this.bytesOnDisk += bytes.length;
        this.recordsOnDisk += messages.length;
        records += messages.length;
      }
    }
    if (entries.length === 0) await rmdir(dir).catch(() => undefined);
    return records;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
