/**
 * Interface-bound link support: a UDP socket that follows a named network interface's state and
 * address ({@link net.dtm.link.iface.InterfaceLink}), exported once for the link drivers that need
 * it (cellular, satellite, carriers' own).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.link.iface;
