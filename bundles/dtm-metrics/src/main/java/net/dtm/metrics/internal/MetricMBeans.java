package net.dtm.metrics.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link MetricFamilyMBean} registered as {@code net.dtm:type=metrics,name=<family>} for
 * every family the sources report: {@link #sync} registers the new ones and unregisters those no
 * longer reported; {@link #close} unregisters them all.
 */
public final class MetricMBeans implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricMBeans.class);

    private final MBeanServer server;
    private final MetricsCollector collector;
    private final Map<String, ObjectName> registered = new TreeMap<>();

    public MetricMBeans(MBeanServer server, MetricsCollector collector) {
        this.server = server;
        this.collector = collector;
    }

    /** The object name of a family's MBean. */
    public static ObjectName objectName(String family) {
        try {
            return new ObjectName("net.dtm:type=metrics,name=" + family);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a metric name: " + family, e);
        }
    }

    /** Registers an MBean for each family in {@code families} not yet registered; unregisters the rest. */
    public synchronized void sync(Collection<String> families) {
        Set<String> wanted = new HashSet<>(families);
        for (String name : Set.copyOf(registered.keySet())) {
            if (!wanted.contains(name)) {
                unregister(name);
            }
        }
        for (String name : wanted) {
            if (!registered.containsKey(name)) {
                ObjectName on = objectName(name);
                try {
                    server.registerMBean(new MetricFamilyMBean(name, () -> collector.family(name)), on);
                    registered.put(name, on);
                } catch (InstanceAlreadyExistsException e) {
                    LOG.warn("dtm metrics: MBean {} exists already (another metrics bundle?): not registered", on);
                    registered.put(name, null);
                } catch (JMException e) {
                    LOG.warn("dtm metrics: MBean {} not registered: {}", on, e.toString());
                }
            }
        }
    }

    /** Families with an MBean of ours. */
    public synchronized Set<String> registered() {
        Set<String> out = new HashSet<>();
        registered.forEach((k, v) -> {
            if (v != null) {
                out.add(k);
            }
        });
        return out;
    }

    private void unregister(String name) {
        ObjectName on = registered.remove(name);
        if (on == null) {
            return;
        }
        try {
            server.unregisterMBean(on);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            LOG.warn("dtm metrics: MBean {} not unregistered: {}", on, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        for (String name : Set.copyOf(registered.keySet())) {
            unregister(name);
        }
    }
}
