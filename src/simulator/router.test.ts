import { describe, expect, it } from 'vitest';
import { createRouter } from './router.js';

const router = createRouter([
  'GET /nodes',
  'GET /nodes/{node}/qemu',
  'POST /nodes/{node}/qemu',
  'GET /nodes/{node}/qemu/{vmid}/config',
  'GET /nodes/{node}/tasks/{upid}/status',
  'GET /nodes/{node}/storage/{storage}/content',
  'GET /pools',
]);

describe('router', () => {
  it('matches schema templates and captures path parameters', () => {
    expect(router.match('GET', '/nodes/pve1/qemu/100/config')).toEqual({
      key: 'GET /nodes/{node}/qemu/{vmid}/config',
      template: '/nodes/{node}/qemu/{vmid}/config',
      pathParams: { node: 'pve1', vmid: '100' },
    });
    const upid = 'UPID:pve1:00001234:0000ABCD:65A1B2C3:qmstart:100:root@pam:';
    expect(router.match('GET', `/nodes/pve1/tasks/${upid}/status`)?.pathParams['upid']).toBe(upid);
  });

  it('skips empty fragments like find_handler', () => {
    expect(router.match('GET', '//nodes///pve1/qemu/')?.key).toBe('GET /nodes/{node}/qemu');
  });

  it('tells methods apart and finds nothing for unknown paths', () => {
    expect(router.match('POST', '/nodes/pve1/qemu')?.key).toBe('POST /nodes/{node}/qemu');
    expect(router.match('DELETE', '/nodes/pve1/qemu')).toBeUndefined();
    expect(router.match('GET', '/nodes/pve1')).toBeUndefined();
    expect(router.match('GET', '/foo')).toBeUndefined();
  });
});
