// `:debug on|off` (and `/debug`) in the palette: raises the log's level to debug and back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeConsole, fixtureData, press, type } from '../store/test-support/consoleFixture.js';
import { log, type LogLevel, type LogSink, setLogSink } from '../observability/log.js';
import { commandEffect } from './commands.js';
import { createInputRouter, type InputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';

function memorySink(): LogSink & { lines: Array<{ level: LogLevel; msg: string }> } {
  let level: LogLevel = 'info';
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const lines: Array<{ level: LogLevel; msg: string }> = [];
  return {
    lines,
    write: (l, msg) => void lines.push({ level: l, msg }),
    isEnabled: (l) => order.indexOf(l) >= order.indexOf(level),
    setLevel: (l) => void (level = l),
    level: () => level,
  };
}

const routers: InputRouter[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  setLogSink(undefined);
});

function run(router: InputRouter, line: string): void {
  press(router, ':');
  type(router, line);
  press(router, '<enter>');
}

describe(':debug', () => {
  it('parses on, off, nothing (toggle) and refuses anything else', () => {
    const data = fixtureData();
    expect(commandEffect('debug on', data)).toEqual({ kind: 'debug', on: true });
    expect(commandEffect('/debug off', data)).toEqual({ kind: 'debug', on: false });
    expect(commandEffect(':debug', data)).toEqual({ kind: 'debug' });
    expect(commandEffect('debug loud', data)).toEqual({ kind: 'error', message: "debug 'loud'? :debug on or :debug off" });
  });

  it('turns debug lines on and off in the running console, and says so', () => {
    const sink = memorySink();
    setLogSink(sink);
    const c = makeConsole({ data: fixtureData() });
    const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn() });
    routers.push(router);
    log.debug('before');
    run(router, 'debug on');
    expect(c.store.getState().message?.text).toMatch(/^debug logging on/);
    log.debug('while on');
    run(router, 'debug off');
    expect(c.store.getState().message?.text).toBe('debug logging off');
    log.debug('after');
    run(router, 'debug'); // toggles
    expect(sink.level()).toBe('debug');
    expect(sink.lines.map((l) => l.msg)).toEqual(['while on']);
  });

  it('without a log file it says debug logging is not available', () => {
    const c = makeConsole({ data: fixtureData() });
    const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn() });
    routers.push(router);
    run(router, 'debug on');
    expect(c.store.getState().message).toMatchObject({ level: 'warn', text: expect.stringContaining('not available') });
  });
});
