// Finds the route for a request path by the schema path templates of a route table
// (`/nodes/{node}/qemu/{vmid}/config`), the way PVE's RESTHandler find_handler walks the path:
// empty fragments are skipped, each `{param}` takes one fragment, fixed fragments win.
import type { HttpMethod } from './types.js';

export interface RouteMatch {
  /** The route table key, e.g. `GET /nodes/{node}/qemu`. */
  key: string;
  template: string;
  pathParams: Record<string, string>;
}

interface Node {
  fixed: Map<string, Node>;
  param?: { name: string; node: Node };
  routes: Map<string, string>; // method -> template
}

const newNode = (): Node => ({ fixed: new Map(), routes: new Map() });

export interface Router {
  match(method: string, path: string): RouteMatch | undefined;
}

export function createRouter(routeKeys: Iterable<string>): Router {
  const root = newNode();
  for (const key of routeKeys) {
    const space = key.indexOf(' ');
    const method = key.slice(0, space);
    const template = key.slice(space + 1);
    let node = root;
    for (const fragment of template.split('/').filter(Boolean)) {
      const param = /^\{(\w+)\}$/.exec(fragment);
      if (param) {
        if (!node.param) node.param = { name: param[1]!, node: newNode() };
        else if (node.param.name !== param[1]) throw new Error(`route ${key}: conflicting parameter name at '${fragment}'`);
        node = node.param.node;
      } else {
        let next = node.fixed.get(fragment);
        if (!next) node.fixed.set(fragment, (next = newNode()));
        node = next;
      }
    }
    node.routes.set(method, template);
  }

  return {
    match(method, path) {
      const fragments = path.split('/').filter(Boolean);
      const pathParams: Record<string, string> = {};
      const walk = (node: Node, i: number): Node | undefined => {
        if (i === fragments.length) return node.routes.size > 0 ? node : undefined;
        const fixed = node.fixed.get(fragments[i]!);
        const viaFixed = fixed && walk(fixed, i + 1);
        if (viaFixed) return viaFixed;
        if (node.param) {
          const viaParam = walk(node.param.node, i + 1);
          if (viaParam) {
            pathParams[node.param.name] = fragments[i]!;
            return viaParam;
          }
        }
        return undefined;
      };
      const found = walk(root, 0);
      const template = found?.routes.get(method as HttpMethod);
      if (!template) return undefined;
      return { key: `${method} ${template}`, template, pathParams };
    },
  };
}
