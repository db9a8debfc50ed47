/**
 * The Huawei VRP vendor adapter (private, nothing exported): built against the configuration SPI
 * and the SSH session SPI only, as a carrier's own adapter would be.
 * {@link net.dtm.vendor.huaweivrp.HuaweiVrpAdapterComponent} publishes
 * {@link net.dtm.vendor.huaweivrp.HuaweiVrpAdapter}; the behaviours render VRP system-view lines,
 * the session drives VRP 8's two-stage commit over one SSH shell (candidate, {@code commit trial},
 * {@code commit}, {@code abort trial}) and reads the running configuration back.
 */
package net.dtm.vendor.huaweivrp;
