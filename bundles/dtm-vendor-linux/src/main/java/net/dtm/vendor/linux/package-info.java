/**
 * The Linux vendor adapter (private, nothing exported): built against the configuration SPI only,
 * as a carrier's own adapter would be. {@link net.dtm.vendor.linux.LinuxAdapterComponent} publishes
 * {@link net.dtm.vendor.linux.LinuxAdapter}; the behaviours render iproute2 and wg lines, the session
 * runs them ({@code ip -batch}, {@code wg}, wireguard-go) and reads the running state back with
 * {@code ip -j} and {@code wg show dump}, parsed by a small JSON reader of its own.
 */
package net.dtm.vendor.linux;
