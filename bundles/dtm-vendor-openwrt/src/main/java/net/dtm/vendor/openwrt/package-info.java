/**
 * The OpenWrt vendor adapter (private, nothing exported): built against the configuration SPI and
 * the SSH session SPI only. {@link net.dtm.vendor.openwrt.OpenWrtAdapterComponent} publishes
 * {@link net.dtm.vendor.openwrt.OpenWrtAdapter}; the behaviours render UCI batch lines, the session
 * stages them in an rpcd session's delta directory with {@code uci batch}, applies them with
 * {@code ubus call uci apply} (always with rpcd's rollback) and reads the state back with
 * {@code uci show} and netifd's ubus objects.
 */
package net.dtm.vendor.openwrt;
