;; resource_importer.wat — imports the resource r of two instances, the
;; second declared equal to the first (tests/test_cm_host_items.c): it
;; links when both are one instance of module_provider.wat, and not when
;; they are two (each instance's resource is its own).
(component
  (import "a" (instance $a (export "r" (type (sub resource)))))
  (alias export $a "r" (type $r))
  (import "b" (instance $b (export "r" (type (eq $r))))))
