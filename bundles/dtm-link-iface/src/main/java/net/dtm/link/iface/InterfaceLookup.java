package net.dtm.link.iface;

import java.io.IOException;

/** Asks the operating system about a named interface; tests substitute their own. */
@FunctionalInterface
public interface InterfaceLookup {

    /**
     * @param name interface name, e.g. {@code wwan0}
     * @return its status, {@link InterfaceStatus#ABSENT} if there is no such interface
     * @throws IOException if the system cannot be asked
     */
    InterfaceStatus lookup(String name) throws IOException;

    /** The real thing, through {@link java.net.NetworkInterface}. */
    static InterfaceLookup system() {
        return name -> {
            java.net.NetworkInterface ni = java.net.NetworkInterface.getByName(name);
            if (ni == null) {
                return InterfaceStatus.ABSENT;
            }
            return new InterfaceStatus(ni.isUp(), java.util.Collections.list(ni.getInetAddresses()));
        };
    }
}
