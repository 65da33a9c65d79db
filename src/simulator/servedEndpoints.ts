// Every (method, path) the simulator serves, in the official schema's path syntax. The
// derivation script extracts their parameter and return schemas from apidata.json, and the
// contract tests check that the simulator's router serves exactly these.
export interface EndpointKey {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
}

const list = `
POST /access/ticket
GET /access/domains
GET /version
GET /cluster/resources
GET /cluster/status
GET /cluster/nextid
GET /cluster/tasks
GET /nodes
GET /nodes/{node}/status
GET /nodes/{node}/version
GET /nodes/{node}/network
GET /nodes/{node}/qemu
POST /nodes/{node}/qemu
GET /nodes/{node}/qemu/{vmid}/config
POST /nodes/{node}/qemu/{vmid}/config
PUT /nodes/{node}/qemu/{vmid}/config
GET /nodes/{node}/qemu/{vmid}/status/current
POST /nodes/{node}/qemu/{vmid}/status/start
POST /nodes/{node}/qemu/{vmid}/status/stop
POST /nodes/{node}/qemu/{vmid}/status/shutdown
POST /nodes/{node}/qemu/{vmid}/status/reboot
POST /nodes/{node}/qemu/{vmid}/status/reset
POST /nodes/{node}/qemu/{vmid}/status/suspend
POST /nodes/{node}/qemu/{vmid}/status/resume
POST /nodes/{node}/qemu/{vmid}/clone
POST /nodes/{node}/qemu/{vmid}/migrate
POST /nodes/{node}/qemu/{vmid}/template
PUT /nodes/{node}/qemu/{vmid}/resize
DELETE /nodes/{node}/qemu/{vmid}
GET /nodes/{node}/qemu/{vmid}/snapshot
POST /nodes/{node}/qemu/{vmid}/snapshot
POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback
DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}
GET /nodes/{node}/lxc
POST /nodes/{node}/lxc
GET /nodes/{node}/lxc/{vmid}/config
PUT /nodes/{node}/lxc/{vmid}/config
GET /nodes/{node}/lxc/{vmid}/status/current
POST /nodes/{node}/lxc/{vmid}/status/start
POST /nodes/{node}/lxc/{vmid}/status/stop
POST /nodes/{node}/lxc/{vmid}/status/shutdown
POST /nodes/{node}/lxc/{vmid}/status/reboot
POST /nodes/{node}/lxc/{vmid}/status/suspend
POST /nodes/{node}/lxc/{vmid}/status/resume
POST /nodes/{node}/lxc/{vmid}/clone
POST /nodes/{node}/lxc/{vmid}/migrate
POST /nodes/{node}/lxc/{vmid}/template
PUT /nodes/{node}/lxc/{vmid}/resize
DELETE /nodes/{node}/lxc/{vmid}
GET /nodes/{node}/lxc/{vmid}/snapshot
POST /nodes/{node}/lxc/{vmid}/snapshot
POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback
DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}
GET /nodes/{node}/storage
GET /nodes/{node}/storage/{storage}/content
GET /nodes/{node}/tasks
GET /nodes/{node}/tasks/{upid}/status
GET /nodes/{node}/tasks/{upid}/log
DELETE /nodes/{node}/tasks/{upid}
GET /pools
POST /pools
`;

export const SERVED_ENDPOINTS: EndpointKey[] = list
  .trim()
  .split('\n')
  .map((line) => {
    const [method, path] = line.split(' ') as [EndpointKey['method'], string];
    return { method, path };
  });
