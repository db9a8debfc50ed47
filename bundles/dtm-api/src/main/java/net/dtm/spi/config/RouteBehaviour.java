package net.dtm.spi.config;

import java.net.InetAddress;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.Cidr;

/** Routes into a tunnel. */
@ConsumerType
public interface RouteBehaviour extends Behaviour {

    /** Commands that route {@code prefix} via {@code nextHop} over interface {@code name}. */
    List<String> addRoute(String name, Cidr prefix, InetAddress nextHop);

    /** Commands that remove the route to {@code prefix} over interface {@code name}. */
    List<String> removeRoute(String name, Cidr prefix);
}
