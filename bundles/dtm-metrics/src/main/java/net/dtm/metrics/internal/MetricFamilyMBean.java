package net.dtm.metrics.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;

import net.dtm.api.metrics.Metric;

/**
 * One metric family as a read-only JMX MBean; its attributes (see {@link MetricAttributes}) are
 * read from the sources each time they are asked for.
 */
final class MetricFamilyMBean implements DynamicMBean {

    private final String name;
    private final Supplier<Optional<Metric>> family;

    MetricFamilyMBean(String name, Supplier<Optional<Metric>> family) {
        this.name = name;
        this.family = family;
    }

    private Map<String, Double> attributes() {
        return family.get().map(MetricAttributes::of).orElse(Map.of());
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Double value = attributes().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException(name + " has no sample " + attribute);
        }
        return value;
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        Map<String, Double> now = attributes();
        AttributeList out = new AttributeList();
        for (String n : names) {
            Double v = now.get(n);
            if (v != null) {
                out.add(new Attribute(n, v));
            }
        }
        return out;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(name + ": metrics are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), name + " has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Optional<Metric> now = family.get();
        String help = now.map(m -> m.type().name().toLowerCase(java.util.Locale.ROOT) + ": " + m.help()).orElse("");
        List<MBeanAttributeInfo> infos = now.map(MetricAttributes::of).orElse(Map.of()).keySet().stream()
                .map(a -> new MBeanAttributeInfo(a, Double.class.getName(), a, true, false, false)).toList();
        return new MBeanInfo(MetricFamilyMBean.class.getName(), name + " " + help,
                infos.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }
}
