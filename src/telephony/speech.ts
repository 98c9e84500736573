// Speech synthesis for what cannot be shipped as a clip: a clinic's name ("Vårdcentralen Kungsör"). Through
// Debian's espeak-ng (the same voice as the shipped clips, made by clips/generate.sh), run as a separate program.
import { spawn } from 'node:child_process';
import { dataOf, parseWav, resample, samplesOf, trimSilence, type WavFormat } from './wav.js';

export interface SpeechSynthesizer {
  /** `text` spoken in Swedish, as sample data (no header) in `format`, trimmed, with a short pause after it. */
  speak(text: string, format: WavFormat): Promise<Buffer>;
}

/** The synthesizer cannot make this format, or is not installed: the phone line keeps its generic greeting. */
export class SpeechUnavailable extends Error {}

/** Seconds of silence after a name, as generate.sh pads a clip that does not end a sentence. */
const PAUSE_SECONDS = 0.12;
const SPEAK_TIMEOUT_MS = 30_000;

export function espeakSynthesizer(command = process.env.ESPEAK_NG ?? 'espeak-ng'): SpeechSynthesizer {
  return {
    async speak(text, format) {
      if (format.audioFormat !== 1 || format.channels !== 1 || format.bitsPerSample !== 16) {
        throw new SpeechUnavailable(`cannot synthesize into ${format.channels} channels of ${format.bitsPerSample}-bit format ${format.audioFormat}`);
      }
      const wav = parseWav(await run(command, ['-v', 'sv', '-s', '175', '--stdout', text]));
      const speech = trimSilence(resample(samplesOf(wav.data), wav.format.sampleRate, format.sampleRate));
      const pause = new Int16Array(Math.round(format.sampleRate * PAUSE_SECONDS));
      return Buffer.concat([dataOf(speech), dataOf(pause)]);
    },
  };
}

function run(command: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The text is an argument, never a shell line: a clinic's name cannot run anything.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: SPEAK_TIMEOUT_MS });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new SpeechUnavailable(`${command} is not installed (Debian: apt-get install espeak-ng)`) : error),
    );
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new SpeechUnavailable(`${command} exited with ${code}: ${err.slice(0, 200)}`))));
  });
}
