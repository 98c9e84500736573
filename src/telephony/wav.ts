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

/** 16-bit signed little-endian PCM samples of mono sample data. */
export function samplesOf(data: Buffer): Int16Array {
  const samples = new Int16Array(Math.floor(data.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return samples;
}

export function dataOf(samples: Int16Array): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(samples[i]!, i * 2);
  return data;
}

/**
 * Resamples mono audio by band-limited (windowed-sinc) interpolation: the speech synthesizer's 22 050 Hz down to the
 * telephone's 8 000 Hz without the aliasing that dropping samples would add.
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  // Cut off a little below the lower Nyquist frequency; the kernel widens as the cut-off falls.
  const cutoff = Math.min(1, ratio) * 0.9;
  const halfWidth = Math.ceil(8 / cutoff);
  const out = new Int16Array(Math.floor(samples.length * ratio));
  for (let i = 0; i < out.length; i++) {
    const centre = i / ratio;
    let sum = 0;
    let weights = 0;
    for (let j = Math.ceil(centre - halfWidth); j <= Math.floor(centre + halfWidth); j++) {
      if (j < 0 || j >= samples.length) continue;
      const x = j - centre;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / halfWidth); // Hann
      const w = sinc * window;
      sum += samples[j]! * w;
      weights += w;
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(weights ? sum / weights : 0)));
  }
  return out;
}

/** The samples without the near-silence before and after the speech (as the shipped clips are trimmed). */
export function trimSilence(samples: Int16Array, threshold = 0.005 * 32768): Int16Array {
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start]!) < threshold) start++;
  while (end > start && Math.abs(samples[end - 1]!) < threshold) end--;
  return samples.slice(start, end);
}
