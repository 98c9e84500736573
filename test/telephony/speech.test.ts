// A clinic's name is voiced with Debian's espeak-ng (the shipped clips' voice) and resampled to the telephone's
// 8 kHz without aliasing: the resampler keeps what is below the new Nyquist frequency and removes what is above.
import { describe, expect, it } from 'vitest';
import { clipSetIn } from '../../src/telephony/clips.js';
import { espeakSynthesizer, SpeechUnavailable } from '../../src/telephony/speech.js';
import { resample, samplesOf, trimSilence } from '../../src/telephony/wav.js';

const tone = (hz: number, rate: number, seconds: number) =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(10_000 * Math.sin((2 * Math.PI * hz * i) / rate)));
const rms = (s: Int16Array, from = 0.1) => {
  const part = s.subarray(Math.floor(s.length * from), Math.floor(s.length * (1 - from)));
  return Math.sqrt(part.reduce((sum, v) => sum + v * v, 0) / part.length);
};
/** Upward zero crossings: one per period. */
const periods = (s: Int16Array) => s.reduce((n, v, i) => (i > 0 && s[i - 1]! < 0 && v >= 0 ? n + 1 : n), 0);

describe('resampling 22 050 Hz to 8 000 Hz', () => {
  it('keeps a 440 Hz tone at 440 Hz and at its loudness', () => {
    const out = resample(tone(440, 22_050, 1), 22_050, 8_000);
    expect(out.length).toBe(8000);
    expect(periods(out)).toBeGreaterThanOrEqual(438);
    expect(periods(out)).toBeLessThanOrEqual(441);
    expect(rms(out) / rms(tone(440, 22_050, 1))).toBeGreaterThan(0.95);
  });

  it('removes a 6 kHz tone, which 8 kHz cannot carry (it would alias to 2 kHz)', () => {
    const out = resample(tone(6_000, 22_050, 1), 22_050, 8_000);
    expect(rms(out) / rms(tone(6_000, 22_050, 1))).toBeLessThan(0.05);
  });

  it('trims the near-silence before and after the sound', () => {
    const padded = Int16Array.from([0, 1, -2, 0, 5000, -5000, 3, 0, 0]);
    expect([...trimSilence(padded)]).toEqual([5000, -5000]);
  });
});

describe('the espeak-ng synthesizer', () => {
  it('says a clinic’s name as a second or two of audible telephone-format audio', async () => {
    const { format } = clipSetIn();
    const audio = await espeakSynthesizer().speak('Vårdcentralen Kungsör', format);
    const seconds = audio.length / (format.sampleRate * 2);
    expect(seconds).toBeGreaterThan(0.6);
    expect(seconds).toBeLessThan(4);
    expect(rms(samplesOf(audio), 0)).toBeGreaterThan(300);
  });

  it('says why when it is not installed, or cannot make the format', async () => {
    const { format } = clipSetIn();
    await expect(espeakSynthesizer('/nonexistent/espeak-ng').speak('Kungsör', format)).rejects.toThrow(SpeechUnavailable);
    await expect(espeakSynthesizer().speak('Kungsör', { ...format, bitsPerSample: 8 })).rejects.toThrow(SpeechUnavailable);
  });
});
