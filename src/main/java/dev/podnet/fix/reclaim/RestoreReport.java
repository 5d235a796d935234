package dev.podnet.fix.reclaim;

/**
 * The result of {@code reclaim-ips --restore}: what was (or would be) put back.
 *
 * @param root the node root as given
 * @param plan the files to put back and those already in place
 * @param apply whether they were put back ({@code --apply}) or only shown
 */
public record RestoreReport(String root, HostLocalDisk.RestorePlan plan, boolean apply) {}
