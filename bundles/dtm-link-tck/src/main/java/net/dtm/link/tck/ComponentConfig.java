package net.dtm.link.tck;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a component property type (the {@code @interface Config} of a DS component) from the
 * properties of a configuration, as Declarative Services does: element {@code link_id} reads
 * property {@code link.id}, {@code interface$} reads {@code interface}; string values (as a
 * {@code .cfg} file gives them) are converted to the element's type; an absent property gives the
 * element's default. Lets a driver's test build the very component its bundle publishes from the
 * keys an operator writes.
 */
public final class ComponentConfig {

    private ComponentConfig() {
    }

    /** The annotation {@code type} with the values {@code properties} give. */
    public static <A extends Annotation> A of(Class<A> type, Map<String, ?> properties) {
        Map<String, Object> copy = new TreeMap<>(properties);
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "annotationType" -> {
                    return type;
                }
                case "toString" -> {
                    return "@" + type.getName() + copy;
                }
                case "hashCode" -> {
                    return copy.hashCode();
                }
                case "equals" -> {
                    return self == args[0];
                }
                default -> {
                    return value(method, copy.get(propertyName(method.getName())));
                }
            }
        });
        return type.cast(proxy);
    }

    /**
     * The properties of an operator's {@code etc/<factoryPid>-<name>.cfg} as Configuration Admin
     * and Declarative Services hand them to a component: the file's keys plus the framework's
     * {@code service.pid}, {@code service.factoryPid}, {@code felix.fileinstall.filename},
     * {@code component.name} and {@code component.id}.
     */
    public static Map<String, Object> delivered(String factoryPid, String name, Map<String, ?> cfgFile) {
        Map<String, Object> props = new TreeMap<>(cfgFile);
        props.put("service.pid", factoryPid + "~" + name);
        props.put("service.factoryPid", factoryPid);
        props.put("felix.fileinstall.filename", "file:/opt/dtm/etc/" + factoryPid + "-" + name + ".cfg");
        props.put("component.name", factoryPid + ".Component");
        props.put("component.id", 17L);
        return props;
    }

    /** The property an element reads (DS 1.4 name mapping; no prefix). */
    static String propertyName(String element) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (c == '$') {
                if (element.startsWith("$_$", i)) {
                    out.append('-');
                    i += 2;
                } else if (element.startsWith("$$", i)) {
                    out.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (element.startsWith("__", i)) {
                    out.append('_');
                    i++;
                } else {
                    out.append('.');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Object value(Method element, Object raw) {
        Class<?> t = element.getReturnType();
        if (raw == null) {
            Object d = element.getDefaultValue();
            if (d != null || !t.isPrimitive()) {
                return d;
            }
            return t == boolean.class ? Boolean.FALSE : convert(t, "0");
        }
        return t.isInstance(raw) ? raw : convert(t, raw.toString().trim());
    }

    private static Object convert(Class<?> t, String text) {
        if (t == String.class) {
            return text;
        }
        if (t == int.class || t == Integer.class) {
            return Integer.valueOf(text);
        }
        if (t == long.class || t == Long.class) {
            return Long.valueOf(text);
        }
        if (t == double.class || t == Double.class) {
            return Double.valueOf(text);
        }
        if (t == boolean.class || t == Boolean.class) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException("element type " + t.getName() + " is not supported here");
    }
}
