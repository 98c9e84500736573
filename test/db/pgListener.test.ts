// The listener's connection is named `listen:<channel>`, after the process's own name when its URL gives one: the
// URL's application_name would otherwise win over a name set beside it, and operators could not tell it apart.
import { describe, expect, it } from 'vitest';
import { listenerConnectionString } from '../../src/db/pgListener.js';

const nameIn = (connectionString: string) => new URL(connectionString).searchParams.get('application_name');

describe('listenerConnectionString', () => {
  it('names the connection after its channel', () => {
    expect(nameIn(listenerConnectionString('postgres://app@db.example:5432/callbacks', 'slot_places_changed'))).toBe('listen:slot_places_changed');
  });

  it("keeps the process's own name in front, and every other parameter as it was", () => {
    const url = listenerConnectionString('postgres://app@db.example/callbacks?application_name=api-1&options=-c%20search_path%3Dx&sslmode=require', 'clinic_rules_changed');
    expect(nameIn(url)).toBe('api-1/listen:clinic_rules_changed');
    const params = new URL(url).searchParams;
    expect(params.get('options')).toBe('-c search_path=x');
    expect(params.get('sslmode')).toBe('require');
    expect(new URL(url).host).toBe('db.example');
  });

  it('leaves a connection string that is no URL as it is', () => {
    expect(listenerConnectionString('host=/var/run/postgresql dbname=callbacks', 'clinic_rules_changed')).toBe('host=/var/run/postgresql dbname=callbacks');
  });
});
