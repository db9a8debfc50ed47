package net.dtm.spi.config;

import java.net.InetAddress;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** The inner address of a tunnel interface. */
@ConsumerType
public interface AddressingBehaviour extends Behaviour {

    /** Commands that put {@code address/prefixLength} on interface {@code name}. */
    List<String> addAddress(String name, InetAddress address, int prefixLength);

    /** Commands that take {@code address/prefixLength} off interface {@code name}. */
    List<String> removeAddress(String name, InetAddress address, int prefixLength);
}
