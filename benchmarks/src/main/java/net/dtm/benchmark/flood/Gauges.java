package net.dtm.benchmark.flood;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;

/**
 * What a running node keeps in memory, read by reflection from its private fields (a benchmark
 * looks where a product would not): answers cached, replay windows, source-address state of the
 * UDP endpoint (the token-bucket table, or MINA's sessions on the code before the flood fix), and
 * the device cache. A figure the code at hand does not have reads -1.
 */
final class Gauges {

    private Gauges() {
    }

    /** Answers kept for copies of their requests. */
    static long answers(Object node) {
        return size(node, "handler", "answers", "answers");
    }

    /** Replay windows, one per device seen. */
    static long replayWindows(Object node) {
        return size(node, "handler", "authenticator", "windows");
    }

    /** Per-source state of the endpoint: buckets tracked, or MINA sessions. */
    static long sources(Object node) {
        long buckets = size(node, "endpoint", "buckets", "table");
        if (buckets >= 0) {
            return buckets;
        }
        Object acceptor = walk(node, "endpoint", "acceptor");
        return acceptor == null ? -1 : call(acceptor, "getManagedSessionCount");
    }

    /** Devices the registry keeps in memory (known, and unknown ones remembered as such). */
    static long devices(Object deviceManager) {
        long plain = size(deviceManager, "cache");
        if (plain >= 0) {
            return plain;
        }
        long known = size(deviceManager, "cache", "known");
        long unknown = size(deviceManager, "cache", "unknown");
        return known < 0 ? -1 : known + Math.max(0, unknown);
    }

    static long size(Object root, String... path) {
        Object o = walk(root, path);
        if (o instanceof Map<?, ?> m) {
            return m.size();
        }
        if (o instanceof Collection<?> c) {
            return c.size();
        }
        return o == null ? -1 : call(o, "size");
    }

    private static Object walk(Object root, String... path) {
        Object o = root;
        for (String name : path) {
            if (o == null) {
                return null;
            }
            o = field(o, name);
        }
        return o;
    }

    private static Object field(Object o, String name) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static long call(Object o, String method) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(method);
                m.setAccessible(true);
                return ((Number) m.invoke(o)).longValue();
            } catch (NoSuchMethodException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }
}
