;; host_items.wat — a component importing more than functions from the
;; host (tests/test_cm_host_items.c): the instance "host" with a nested
;; instance "nested" (return-four) and a core module "simple-module"
;; (f -> 101, global g = 100). `sum` returns f() + g + return-four().
(component
  (import "host" (instance $h
    (export "nested" (instance
      (export "return-four" (func (result u32)))))
    (export "simple-module" (core module
      (export "f" (func (result i32)))
      (export "g" (global i32))))))
  (alias export $h "nested" (instance $n))
  (alias export $n "return-four" (func $four))
  (core func $four_lower (canon lower (func $four)))
  (core instance $simple (instantiate (module $h "simple-module")))
  (core module $m
    (import "host" "f" (func $f (result i32)))
    (import "host" "g" (global $g i32))
    (import "host" "four" (func $four (result i32)))
    (func (export "sum") (result i32)
      call $f
      global.get $g
      i32.add
      call $four
      i32.add))
  (core instance $mi (instantiate $m (with "host" (instance
    (export "f" (func $simple "f"))
    (export "g" (global $simple "g"))
    (export "four" (func $four_lower))))))
  (func (export "sum") (result u32) (canon lift (core func $mi "sum"))))
