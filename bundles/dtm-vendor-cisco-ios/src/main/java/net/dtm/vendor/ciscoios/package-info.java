/**
 * The Cisco IOS vendor adapter (private, nothing exported): built against the configuration SPI and
 * the SSH session SPI only, as a carrier's own adapter would be. {@link net.dtm.vendor.ciscoios.CiscoIosAdapterComponent}
 * publishes {@link net.dtm.vendor.ciscoios.CiscoIosAdapter}; {@link net.dtm.vendor.ciscoios.IosRenderer}
 * renders IOS CLI lines, {@link net.dtm.vendor.ciscoios.CiscoIosSession} drives the interactive CLI
 * over SSH and reads the running configuration back through {@link net.dtm.vendor.ciscoios.RunningConfigParser};
 * {@link net.dtm.vendor.ciscoios.IosCommitConfirm} uses {@code configure terminal revert timer}.
 */
package net.dtm.vendor.ciscoios;
