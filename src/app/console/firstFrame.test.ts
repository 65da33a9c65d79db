import { describe, expect, it, vi } from 'vitest';

async function fresh() {
  vi.resetModules();
  return import('./firstFrame.js');
}

describe('work deferred until the first frame', () => {
  it('waits for the first frame, then runs each task once; later tasks run at once', async () => {
    const { afterFirstFrame, firstFrameDrawn, settleFirstFrameTasks } = await fresh();
    const ran: string[] = [];
    afterFirstFrame(async () => void ran.push('log'));
    await Promise.resolve();
    expect(ran).toEqual([]);
    firstFrameDrawn();
    afterFirstFrame(async () => void ran.push('late'));
    await settleFirstFrameTasks();
    expect(ran).toEqual(['log', 'late']);
    await settleFirstFrameTasks();
    expect(ran).toEqual(['log', 'late']);
  });

  it('a console that never drew still runs its tasks when the entry point settles, and a failing task fails nothing', async () => {
    const { afterFirstFrame, settleFirstFrameTasks } = await fresh();
    const ran: string[] = [];
    afterFirstFrame(async () => {
      throw new Error('no log dir');
    });
    afterFirstFrame(async () => {
      await new Promise((r) => setTimeout(r, 5));
      ran.push('log');
    });
    await expect(settleFirstFrameTasks()).resolves.toBeUndefined();
    expect(ran).toEqual(['log']);
  });
});
