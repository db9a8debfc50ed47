/**
 * Metrics of DTM components, independent of any metrics library: a component registers a
 * {@link net.dtm.api.metrics.MetricSource} service (the whiteboard pattern) and the metrics bundle
 * turns every source's figures into Prometheus series and JMX MBeans at read time. Label values are
 * drawn from bounded sets (pool names, link ids, node ids, reasons): never device ids.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package net.dtm.api.metrics;
