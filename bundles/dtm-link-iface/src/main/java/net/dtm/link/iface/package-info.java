/** Interface-bound link support: a UDP socket that follows a named network interface's state and address, exported for link drivers (cellular, satellite, carriers' own). */
package net.dtm.link.iface;
