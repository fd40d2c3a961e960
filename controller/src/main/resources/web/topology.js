// The lab's topology as SVG: nodes as circles, LANs as squares joined to their members, and each link
// as two lines side by side, one per direction, coloured by that direction's state.

const NS = 'http://www.w3.org/2000/svg';
const W = 640, H = 420;

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Positions for the vertices (nodes and LANs): a few hundred steps of a spring layout from a circle, so the same lab looks the same. */
export function layout(vertices, edges) {
  const pos = new Map();
  vertices.forEach((v, i) => {
    const a = (2 * Math.PI * i) / vertices.length;
    pos.set(v, { x: W / 2 + (W / 3) * Math.cos(a), y: H / 2 + (H / 3) * Math.sin(a) });
  });
  const k = Math.sqrt((W * H) / Math.max(vertices.length, 1)) * 0.6;
  for (let step = 0; step < 300; step++) {
    const force = new Map(vertices.map((v) => [v, { x: 0, y: 0 }]));
    for (const a of vertices) for (const b of vertices) {
      if (a === b) continue;
      const dx = pos.get(a).x - pos.get(b).x, dy = pos.get(a).y - pos.get(b).y;
      const d = Math.max(Math.hypot(dx, dy), 1);
      force.get(a).x += (dx / d) * (k * k) / d;
      force.get(a).y += (dy / d) * (k * k) / d;
    }
    for (const [a, b] of edges) {
      const dx = pos.get(a).x - pos.get(b).x, dy = pos.get(a).y - pos.get(b).y;
      const d = Math.max(Math.hypot(dx, dy), 1);
      const f = (d * d) / k;
      force.get(a).x -= (dx / d) * f; force.get(a).y -= (dy / d) * f;
      force.get(b).x += (dx / d) * f; force.get(b).y += (dy / d) * f;
    }
    const t = 20 * (1 - step / 300) + 1;
    for (const v of vertices) {
      const f = force.get(v), d = Math.max(Math.hypot(f.x, f.y), 1e-9), p = pos.get(v);
      p.x = Math.min(W - 40, Math.max(40, p.x + (f.x / d) * Math.min(d, t)));
      p.y = Math.min(H - 30, Math.max(30, p.y + (f.y / d) * Math.min(d, t)));
    }
  }
  return pos;
}

/**
 * Draws nodes (name, state) and links ([{name, kind, members, state, impairments}]); counters maps a
 * direction ("a->b", "c->hall") to its last reading. Returns nothing; redraws the whole picture.
 */
export function drawTopology(svg, nodes, links, counters, positions) {
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const lanNames = links.filter((l) => l.kind === 'lan').map((l) => 'lan:' + l.name);
  const vertices = nodes.map((n) => n.name).concat(lanNames);
  const edges = [];
  for (const l of links) {
    if (l.kind === 'link') edges.push([l.members[0].node, l.members[1].node]);
    else l.members.forEach((m) => edges.push(['lan:' + l.name, m.node]));
  }
  const key = vertices.join(',');
  if (positions.key !== key) {
    positions.key = key;
    positions.at = layout(vertices, edges);
  }
  const at = positions.at;
  for (const l of links) {
    const g = svgEl('g', { class: 'link', 'data-link': l.name, 'data-up': String(l.up) });
    const title = [l.name];
    if (l.kind === 'link') {
      const [a, b] = l.members.map((m) => at.get(m.node));
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.max(Math.hypot(dx, dy), 1);
      const ox = (-dy / d) * 3, oy = (dx / d) * 3;
      l.members.forEach((m, i) => {
        const dir = m.node + '->' + l.members[1 - i].node;
        const sign = i === 0 ? 1 : -1;
        const state = (l.state && l.state[dir]) || (l.up ? 'up' : 'down');
        g.append(svgEl('line', { x1: a.x + sign * ox, y1: a.y + sign * oy, x2: b.x + sign * ox, y2: b.y + sign * oy,
          class: 'dir ' + state, 'data-direction': dir }));
        title.push(describe(dir, state, l.impairments[dir], counters.get(dir)));
      });
      g.append(svgEl('text', { x: (a.x + b.x) / 2 + ox * 4, y: (a.y + b.y) / 2 + oy * 4, class: 'link-label' }, l.name));
    } else {
      const hub = at.get('lan:' + l.name);
      for (const m of l.members) {
        const p = at.get(m.node);
        g.append(svgEl('line', { x1: hub.x, y1: hub.y, x2: p.x, y2: p.y, class: 'dir ' + (l.up ? 'up' : 'down'), 'data-direction': m.node }));
        if (l.kind !== 'medium') title.push(describe(m.node, l.up ? 'up' : 'down', l.impairments[m.node], counters.get(l.name + '->' + m.node)));
      }
      // a medium's directions are its pairs: who hears whom, with what impairment
      if (l.kind === 'medium') Object.keys(l.impairments).forEach((d) => title.push(describe(d, (l.state && l.state[d]) || 'up', l.impairments[d])));
      g.append(svgEl('rect', { x: hub.x - 9, y: hub.y - 9, width: 18, height: 18, class: 'lan' }));
      g.append(svgEl('text', { x: hub.x, y: hub.y - 14, class: 'link-label' }, l.name));
    }
    g.append(svgEl('title', {}, title.join('\n')));
    svg.append(g);
  }
  for (const n of nodes) {
    const p = at.get(n.name);
    const g = svgEl('g', { class: 'node ' + n.state, 'data-node': n.name, 'data-state': n.state });
    g.append(svgEl('circle', { cx: p.x, cy: p.y, r: 18 }));
    g.append(svgEl('text', { x: p.x, y: p.y + 4, class: 'node-label' }, n.name));
    g.append(svgEl('text', { x: p.x, y: p.y + 32, class: 'node-state' }, n.state));
    g.append(svgEl('title', {}, n.name + ': ' + n.state + (n.detail ? ' (' + n.detail + ')' : '')));
    svg.append(g);
  }
}

function describe(dir, state, impairment, reading) {
  const imp = Object.entries(impairment || {}).map(([k, v]) => k + ' ' + v).join(', ');
  return dir + ': ' + state + (imp ? ', ' + imp : '') + (reading ? ', ' + reading.packets + ' packets, ' + reading.drops + ' drops' : '');
}
