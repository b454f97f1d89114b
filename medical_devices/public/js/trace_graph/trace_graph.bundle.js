// The Batch Trace report's graph view (medical_devices/traceability/graph.py builds what it draws).
import { createApp, h } from "vue";
import TraceGraph from "./TraceGraph.vue";

frappe.provide("medical_devices.trace_graph");

medical_devices.trace_graph.render = function (wrapper, graph, on_painted) {
	if (wrapper.__md_trace_app) wrapper.__md_trace_app.unmount();
	const app = createApp({ render: () => h(TraceGraph, { graph, on_painted }) });
	if (window.SetVueGlobals) SetVueGlobals(app);
	app.mount(wrapper);
	wrapper.__md_trace_app = app;
	return app;
};
