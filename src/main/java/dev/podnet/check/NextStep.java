package dev.podnet.check;

/**
 * One step of the runbook for a finding.
 *
 * @param action what the step is for, in words
 * @param command a ready-to-run command with the real names filled in, or null for a manual step
 */
public record NextStep(String action, String command) {}
