package dev.podnet.fix;

import java.util.List;

/**
 * Every permission {@code podnet fix node-cidr --apply} uses, checked with SelfSubjectAccessReview
 * before the first step; {@code deploy/rbac/podnet-fix.yaml} grants exactly these (a test holds the
 * two equal).
 */
public final class FixPermissions {
  private FixPermissions() {}

  /** In the order they are asked and reported. */
  public static final List<Permission> REQUIRED =
      List.of(
          cluster("get", "", "nodes"),
          cluster("list", "", "nodes"),
          cluster("patch", "", "nodes"),
          cluster("delete", "", "nodes"),
          cluster("get", "", "pods"),
          cluster("list", "", "pods"),
          new Permission("create", "", "pods", "eviction", ""),
          cluster("list", "apps", "daemonsets"),
          inLockNamespace("create", "", "pods"),
          inLockNamespace("delete", "", "pods"),
          inLockNamespace("get", "coordination.k8s.io", "leases"),
          inLockNamespace("create", "coordination.k8s.io", "leases"),
          inLockNamespace("update", "coordination.k8s.io", "leases"));

  private static Permission cluster(String verb, String group, String resource) {
    return new Permission(verb, group, resource, "", "");
  }

  private static Permission inLockNamespace(String verb, String group, String resource) {
    return new Permission(verb, group, resource, "", FixCluster.NAMESPACE);
  }
}
