// What of a trace graph is drawn: a column with more than GROUP_OVER nodes shows them grouped (customers by
// territory, patients by hospital) until the user opens a group, and every edge leads to what is drawn.
export const GROUP_OVER = 40;
export const COLUMN_WIDTH = 300;
export const ROW_HEIGHT = 64;
export const NODE_WIDTH = 220;

export function cluster_id(node) {
	return `group:${node.stage}:${node.group || ""}`;
}

export function visible(graph, expanded) {
	const columns = new Map();
	for (const node of graph.nodes) {
		if (!columns.has(node.column)) columns.set(node.column, []);
		columns.get(node.column).push(node);
	}
	const alias = new Map();
	const nodes = [];
	for (const [column, members] of [...columns.entries()].sort((a, b) => a[0] - b[0])) {
		const grouped = members.length > GROUP_OVER;
		const shown = [];
		const clusters = new Map();
		for (const node of members) {
			const id = cluster_id(node);
			if (!grouped || expanded.has(id)) {
				shown.push(node);
				alias.set(node.id, node.id);
				continue;
			}
			if (!clusters.has(id)) {
				const cluster = {
					id,
					stage: node.stage,
					column,
					group: node.group,
					label: node.group || __("Not Set"),
					cluster: true,
					members: [],
					qty_in: 0,
					qty_out: 0,
					restricted: 0,
					details: {},
				};
				clusters.set(id, cluster);
				shown.push(cluster);
			}
			const cluster = clusters.get(id);
			cluster.members.push(node);
			cluster.qty_in += node.qty_in;
			cluster.qty_out += node.qty_out;
			alias.set(node.id, id);
		}
		shown.forEach((node, row) => {
			const top = -((shown.length - 1) * ROW_HEIGHT) / 2;
			nodes.push({ ...node, position: { x: column * COLUMN_WIDTH, y: top + row * ROW_HEIGHT } });
		});
	}
	const edges = new Map();
	for (const edge of graph.edges) {
		const source = alias.get(edge.source);
		const target = alias.get(edge.target);
		if (!source || !target || source === target) continue;
		const id = `${source}>${target}`;
		if (!edges.has(id)) edges.set(id, { id, source, target, qty: 0 });
		edges.get(id).qty += edge.qty;
	}
	return { nodes, edges: [...edges.values()] };
}
