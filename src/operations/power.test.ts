import { describe, expect, it } from 'vitest';
import { confirmationFor, confirmationText, isConfirmed, unconfirmedMessage } from './confirm.js';
import { isRefusal, liveTarget, planPower, POWER, POWER_ACTIONS, type PowerAction } from './power.js';
import type { GuestTarget, OperationPlan } from './types.js';

const vm = (over: Partial<GuestTarget> = {}): GuestTarget => ({ type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'running', template: false, ...over });
const ct = (over: Partial<GuestTarget> = {}): GuestTarget => ({ type: 'lxc', vmid: 200, node: 'pve2', name: 'pihole', status: 'running', template: false, ...over });
const plan = (action: PowerAction, t: GuestTarget, readOnly = false) => planPower(action, t, { readOnly });
const planned = (p: ReturnType<typeof plan>): OperationPlan => {
  if (isRefusal(p)) throw new Error(`refused: ${p.message}`);
  return p;
};

describe('lifecycle risks', () => {
  it('follow the issue: start/resume low, shutdown/reboot/suspend medium, stop/reset high', () => {
    expect(Object.fromEntries(POWER_ACTIONS.map((a) => [a, POWER[a].risk]))).toEqual({
      start: 'low',
      resume: 'low',
      shutdown: 'medium',
      reboot: 'medium',
      suspend: 'medium',
      stop: 'high',
      reset: 'high',
    });
  });
});

describe('planPower', () => {
  it('makes the one API call PVE expects, under status/', () => {
    expect(planned(plan('start', vm({ status: 'stopped' }))).calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start' }]);
    expect(planned(plan('stop', ct())).calls).toEqual([{ method: 'POST', path: '/nodes/pve2/lxc/200/status/stop' }]);
    expect(planned(plan('resume', vm({ status: 'paused' }))).calls[0]!.path).toBe('/nodes/pve1/qemu/100/status/resume');
  });

  it('shutdown carries its timeout and force-stop', () => {
    const p = planned(planPower('shutdown', vm(), { readOnly: false }, { timeoutSeconds: 30, forceStop: true }));
    expect(p.calls[0]).toEqual({ method: 'POST', path: '/nodes/pve1/qemu/100/status/shutdown', params: { timeout: 30, forceStop: 1 } });
    expect(p.summary).toMatch(/waiting up to 30 s, then stop it/);
    expect(planned(plan('shutdown', vm())).calls[0]!.params).toBeUndefined();
  });

  it('says what will happen and what could be lost', () => {
    const stop = planned(plan('stop', vm()));
    expect(stop.summary).toBe('stop VM 100 web-01 on pve1 at once, like pulling the power');
    expect(stop.loss).toMatch(/not written to disk is lost/);
    expect(planned(plan('start', vm({ status: 'stopped' }))).loss).toBeUndefined();
  });

  it('refuses in read-only mode, before anything else', () => {
    const r = plan('start', vm({ status: 'stopped', lock: 'backup' }), true);
    expect(isRefusal(r) && r.reason).toBe('read-only');
  });

  it('refuses a locked guest, naming the lock', () => {
    const r = plan('stop', vm({ lock: 'backup' }));
    expect(isRefusal(r) && r.reason).toBe('locked');
    expect(isRefusal(r) && r.message).toBe('VM 100 web-01 is locked (backup): wait for the backup to finish');
  });

  it('skips what does not apply, saying why', () => {
    const cases: [PowerAction, GuestTarget, RegExp][] = [
      ['start', vm(), /already running/],
      ['start', vm({ status: 'paused' }), /resume it instead/],
      ['stop', vm({ status: 'stopped' }), /nothing to stop/],
      ['shutdown', vm({ status: 'stopped' }), /only a running guest/],
      ['reset', ct(), /containers cannot be reset/],
      ['resume', vm(), /only a paused or suspended guest/],
      ['start', vm({ status: 'stopped', template: true }), /template/],
    ];
    for (const [action, target, why] of cases) {
      const r = plan(action, target);
      expect(isRefusal(r) && r.reason, `${action} ${target.status}`).toBe('not-applicable');
      expect(isRefusal(r) && r.message).toMatch(why);
    }
  });
});

describe('confirmation', () => {
  it('scales with the risk: none, y/N, the name', () => {
    expect(confirmationFor('low')).toBe('none');
    expect(confirmationFor('medium')).toBe('yes-no');
    expect(confirmationFor('high')).toBe('yes-no');
    expect(confirmationFor('critical')).toBe('type-name');
  });

  it('asks with what will happen and what could be lost', () => {
    const stop = planned(plan('stop', vm()));
    expect(confirmationText(stop).lines).toEqual(['HIGH: stop VM 100 web-01 on pve1 at once, like pulling the power.', 'Could be lost: anything the guest has not written to disk is lost.', 'Proceed? [y/N]']);
    expect(isConfirmed(stop, 'y')).toBe(true);
    expect(isConfirmed(stop, ' YES ')).toBe(true);
    expect(isConfirmed(stop, '')).toBe(false);
    expect(isConfirmed(stop, 'n')).toBe(false);
  });

  it('a critical one needs the exact name', () => {
    const critical: OperationPlan = { ...planned(plan('stop', vm())), risk: 'critical' };
    expect(confirmationText(critical).lines.at(-1)).toBe("Type the guest's name (web-01) to confirm:");
    expect(isConfirmed(critical, 'web-01')).toBe(true);
    expect(isConfirmed(critical, 'y')).toBe(false);
    expect(isConfirmed(critical, 'WEB-01')).toBe(false);
  });

  it('without a terminal, says how to confirm', () => {
    expect(unconfirmedMessage(planned(plan('reboot', ct())))).toBe('reboot CT 200 pihole is medium risk and needs confirmation: run it in a terminal, or pass --yes');
  });
});

describe('liveTarget', () => {
  it('takes a paused VM for paused (the cluster list says running) and the live lock', () => {
    expect(liveTarget(vm({ lock: 'backup' }), { status: 'running', qmpstatus: 'paused' })).toEqual(vm({ status: 'paused' }));
    expect(liveTarget(vm({ status: 'stopped' }), { status: 'running', qmpstatus: 'running', lock: 'migrate' })).toEqual(vm({ lock: 'migrate' }));
    expect(liveTarget(ct({ status: 'running' }), { status: 'stopped' })).toEqual(ct({ status: 'stopped' }));
  });
});

describe('a VM suspended to disk (lock: suspended)', () => {
  const hibernated = vm({ status: 'stopped', lock: 'suspended' });
  it('can be started or resumed, and nothing else', () => {
    expect(isRefusal(plan('start', hibernated))).toBe(false);
    expect(isRefusal(plan('resume', hibernated))).toBe(false);
    const stop = plan('stop', hibernated);
    expect(isRefusal(stop) && stop.reason).toBe('locked');
  });
});
