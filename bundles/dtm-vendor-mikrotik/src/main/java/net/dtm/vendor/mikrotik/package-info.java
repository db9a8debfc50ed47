/**
 * The MikroTik RouterOS 7 vendor adapter: VXLAN (static VTEPs), GRE and IPIP tunnels with their
 * inner address, MTU and routes, driven through the SSH terminal with safe mode as the device's own
 * rollback net. Private to this bundle: it publishes only a {@link net.dtm.spi.config.VendorAdapter}
 * service.
 */
package net.dtm.vendor.mikrotik;
