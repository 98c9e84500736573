// Just enough of RIFF/WAVE to join clips: read a file's format and sample data, write one file around joined data.

export interface WavFormat {
  /** 1 = PCM. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

export interface Wav {
  format: WavFormat;
  data: Buffer;
}

export class InvalidWav extends Error {}

/** Parses a WAV file; chunks other than fmt and data (LIST, fact …) are skipped. */
export function parseWav(file: Buffer): Wav {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new InvalidWav('not a RIFF/WAVE file');
  }
  let format: WavFormat | null = null;
  let data: Buffer | null = null;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    // Some writers (sox reading from a pipe) leave the data size at its maximum: the data runs to the end.
    const end = Math.min(body + size, file.length);
    if (id === 'fmt ') {
      if (end - body < 16) throw new InvalidWav('fmt chunk too short');
      format = {
        audioFormat: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      data = file.subarray(body, end);
    }
    offset = body + size + (size % 2);
  }
  if (!format) throw new InvalidWav('no fmt chunk');
  if (!data) throw new InvalidWav('no data chunk');
  return { format, data };
}

export function describeFormat(f: WavFormat): string {
  const kind = f.audioFormat === 1 ? 'PCM' : `format ${f.audioFormat}`;
  return `${f.sampleRate} Hz, ${f.channels === 1 ? 'mono' : `${f.channels} channels`}, ${f.bitsPerSample}-bit ${kind}`;
}

/** One WAV file (44-byte PCM header) holding `parts` one after the other; all must share `format`. */
export function joinWav(format: WavFormat, parts: readonly Buffer[]): Buffer {
  const dataLength = parts.reduce((sum, p) => sum + p.length, 0);
  const header = Buffer.alloc(44);
  const blockAlign = (format.channels * format.bitsPerSample) / 8;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataLength, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format.audioFormat, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(format.bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataLength, 40);
  return Buffer.concat([header, ...parts]);
}
