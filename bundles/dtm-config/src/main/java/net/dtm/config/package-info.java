/**
 * The configuration module's core, private to this bundle (the TCK and the bundle's own DS
 * components use it): {@link net.dtm.config.ConfigurationManager} runs every change of a tunnel end
 * through one {@link net.dtm.config.ConfigTransaction} (validate with
 * {@link net.dtm.config.IntentValidator}, read, {@link net.dtm.config.IntentDiff}, render with
 * {@link net.dtm.config.Renderer}, journal, apply, verify, probe, confirm or roll back), records it in
 * the {@link net.dtm.config.HistoryStore}, and undoes at start what the {@link net.dtm.config.Journal}
 * says a killed node left half done. Adapters come and go through the
 * {@link net.dtm.config.AdapterRegistry}. Everything is plain Java with its clock, scheduler and
 * executor passed in.
 */
package net.dtm.config;
