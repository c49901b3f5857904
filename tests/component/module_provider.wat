;; module_provider.wat — a component exporting a core module, an
;; instance holding it, a resource type "r" and an instance "nested" with
;; a function
;; (tests/test_cm_host_items.c: another instance tree the host supplies
;; by name to module_importer.wat, whose modules link, and to
;; host_items.wat, whose function of another tree does not).
(component
  (core module $m
    (global (export "g") i32 (i32.const 100))
    (func (export "f") (result i32) (i32.const 101)))
  (instance $inner (export "simple-module" (core module $m)))
  (export "simple-module" (core module $m))
  (export "inner" (instance $inner))
  (type $r (resource (rep i32)))
  (export "r" (type $r))
  (core module $fm (func (export "four") (result i32) (i32.const 4)))
  (core instance $fi (instantiate $fm))
  (func $four (result u32) (canon lift (core func $fi "four")))
  (instance $nested (export "return-four" (func $four)))
  (export "nested" (instance $nested)))
