frappe.query_reports["Batch Trace"] = {
	filters: [
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: [
				{ value: "Forward", label: __("Forward (where it went)") },
				{ value: "Backward", label: __("Backward (what it came from)") },
			],
			default: "Forward",
			reqd: 1,
		},
		{ fieldname: "batch", label: __("Batch"), fieldtype: "Link", options: "Batch" },
		{ fieldname: "serial_no", label: __("Serial No"), fieldtype: "Link", options: "Serial No" },
		{ fieldname: "device_recall", label: __("Device Recall"), fieldtype: "Link", options: "Device Recall" },
	],
	tree: true,
	name_field: "id",
	parent_field: "parent_node",
	initial_depth: 3,
	formatter: medical_devices.translated_values({ voucher_type: "", party_type: "" }),
	onload(report) {
		report.page.add_inner_button(__("Trace Graph"), () => {
			graph_chosen = graph_wrapper(report).toggleClass("hidden").hasClass("hidden") === false;
			if (graph_chosen) draw_graph(report);
		});
	},
	after_datatable_render() {
		// a whole recall opens as the graph, unless the user closed it
		const report = frappe.query_report;
		const shown = graph_chosen ?? Boolean(report.get_filter_value("device_recall"));
		graph_wrapper(report).toggleClass("hidden", !shown);
		if (shown) draw_graph(report);
	},
};

let graph_chosen = null;

// The trace as a picture (medical_devices/traceability/graph.py); data-painted-ms says how long it took to draw.
function graph_wrapper(report) {
	let $wrapper = $(report.page.main).find(".md-trace-graph-wrapper");
	if (!$wrapper.length) {
		$wrapper = $('<div class="md-trace-graph-wrapper hidden">').insertBefore(report.$report);
	}
	return $wrapper;
}

function draw_graph(report) {
	const filters = report.get_filter_values();
	const $wrapper = graph_wrapper(report);
	if (!filters.batch && !filters.serial_no && !filters.device_recall) {
		$wrapper.html(`<div class="text-muted p-3">${__("Give a batch, a serial number or a recall to trace.")}</div>`);
		return;
	}
	const started = performance.now();
	$wrapper.attr("data-painted-ms", "");
	Promise.all([
		frappe.require("trace_graph.bundle.js"),
		frappe.xcall("medical_devices.traceability.api.graph", {
			batch: filters.batch,
			serial_no: filters.serial_no,
			device_recall: filters.device_recall,
			direction: (filters.direction || "Forward").toLowerCase(),
		}),
	]).then(([, graph]) => {
		medical_devices.trace_graph.render($wrapper.get(0), graph, (view) => {
			$wrapper.attr("data-nodes", view.nodes.length);
			$wrapper.attr("data-painted-ms", Math.round(performance.now() - started));
		});
	});
}
