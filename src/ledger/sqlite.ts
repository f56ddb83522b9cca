/** A minimal promise wrapper over node-sqlite3: open with WAL and a busy timeout, run, all. */
import sqlite3 from 'sqlite3';

export interface Db {
  run(sql: string, ...params: unknown[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function openDb(path: string, busyTimeoutMs = 10_000): Promise<Db> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (err) => {
      if (err) return reject(err);
      db.configure('busyTimeout', busyTimeoutMs);
      resolve({
        run: (sql, ...params) => new Promise((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res()))),
        all: <T>(sql: string, ...params: unknown[]) =>
          new Promise<T[]>((res, rej) => db.all(sql, params, (e, rows) => (e ? rej(e) : res(rows as T[])))),
        exec: (sql) => new Promise((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res()))),
        close: () => new Promise((res, rej) => db.close((e) => (e ? rej(e) : res()))),
      });
    });
  });
}
