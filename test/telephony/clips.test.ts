// The shipped clip set: complete for every prompt, one format, and joined into valid WAV files.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CLIP_TEXTS, offerPrompt, spokenDay, spokenOrdinal, spokenNumber } from '../../src/domain/spokenPrompt.js';
import { ClipSetInvalid, loadClipSet, SHIPPED_CLIPS_DIR } from '../../src/telephony/clips.js';
import { joinWav, parseWav } from '../../src/telephony/wav.js';

describe('the shipped clips', () => {
  const clips = loadClipSet(SHIPPED_CLIPS_DIR);

  it('hold every clip the prompts can name: numbers 0–59, ordinals 1–31, all weekdays and months, every phrase', () => {
    const names = new Set<string>(CLIP_TEXTS.keys());
    for (let n = 0; n <= 59; n++) for (const c of spokenNumber(n)) names.add(c);
    for (let d = 1; d <= 31; d++) for (const c of spokenOrdinal(d)) names.add(c);
    const now = DateTime.fromISO('2027-01-01T08:00', { zone: 'Europe/Stockholm' });
    for (let i = 2; i < 400; i++) for (const c of spokenDay(now.plus({ days: i }), now)) names.add(c);
    expect([...names].filter((n) => !clips.has(n))).toEqual([]);
    expect(clips.format).toEqual({ audioFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
  });

  it('match texts.tsv, the list generate.sh speaks', () => {
    const tsv = readFileSync(join(SHIPPED_CLIPS_DIR, 'texts.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(new Map(tsv as [string, string][])).toEqual(CLIP_TEXTS);
  });

  it('join into one valid WAV whose data is the clips’ data end to end', () => {
    const names = offerPrompt(
      { start: DateTime.fromISO('2027-03-30T10:15', { zone: 'Europe/Stockholm' }), end: DateTime.fromISO('2027-03-30T10:30', { zone: 'Europe/Stockholm' }) },
      DateTime.fromISO('2027-03-30T08:00', { zone: 'Europe/Stockholm' }),
    );
    const joined = parseWav(clips.join(names));
    const parts = names.map((n) => parseWav(readFileSync(join(SHIPPED_CLIPS_DIR, `${n}.wav`))).data);
    expect(joined.format).toEqual(clips.format);
    expect(joined.data.length).toBe(parts.reduce((sum, p) => sum + p.length, 0));
    expect(joined.data.equals(Buffer.concat(parts))).toBe(true);
    const seconds = joined.data.length / (8000 * 2);
    expect(seconds).toBeCloseTo(names.reduce((ms, n) => ms + clips.durationMs(n), 0) / 1000, 1);
  });
});

describe('a clinic’s own clip folder', () => {
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'clips-'));
    for (const f of readdirSync(SHIPPED_CLIPS_DIR)) if (f.endsWith('.wav')) copyFileSync(join(SHIPPED_CLIPS_DIR, f), join(dir, f));
    return dir;
  };

  it('is refused at start-up naming the clips it lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clips-'));
    copyFileSync(join(SHIPPED_CLIPS_DIR, 'greeting.wav'), join(dir, 'greeting.wav'));
    expect(() => loadClipSet(dir)).toThrow(ClipSetInvalid);
    expect(() => loadClipSet(dir)).toThrow(/missing clips: n0, n1, /);
  });

  it('is refused naming the clips in another format', () => {
    const dir = copy();
    const other = joinWav({ audioFormat: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }, [Buffer.alloc(3200)]);
    writeFileSync(join(dir, 'greeting.wav'), other);
    expect(() => loadClipSet(dir)).toThrow(/one format, found 8000 Hz, mono, 16-bit PCM: .*; 16000 Hz, mono, 16-bit PCM: greeting/);
  });

  it('is refused when a file is not a WAV at all, and accepted when complete', () => {
    const dir = copy();
    expect(loadClipSet(dir).has('greeting')).toBe(true);
    writeFileSync(join(dir, 'goodbye.wav'), 'not audio');
    expect(() => loadClipSet(dir)).toThrow(/unreadable WAV files: goodbye.wav/);
  });

  it('may hold recordings of clinics’ names (clinics/<clinic-id>.wav) in the same format, refused in another', () => {
    const dir = copy();
    mkdirSync(join(dir, 'clinics'));
    const name = joinWav({ audioFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 }, [Buffer.alloc(8000, 1)]);
    writeFileSync(join(dir, 'clinics', 'vc-kungsor.wav'), name);
    writeFileSync(join(dir, 'clinics', 'Not A Clinic.wav'), name);
    const clips = loadClipSet(dir);
    expect(clips.clinicName('vc-kungsor')?.length).toBe(8000);
    expect(clips.clinicName('vc-arboga')).toBeNull();
    writeFileSync(join(dir, 'clinics', 'vc-arboga.wav'), joinWav({ audioFormat: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }, [Buffer.alloc(3200)]));
    expect(() => loadClipSet(dir)).toThrow(/one format, found .*16000 Hz, mono, 16-bit PCM: clinics\/vc-arboga/);
  });
});
