;; resources.wat — the Canonical ABI's resource rules (test_cm_resources.c):
;; a resource r this component defines (its destructor counts its calls)
;; and a resource hr the host defines, with exports that keep a borrow past
;; the call, drop a handle twice, use one after drop, lend one to the host
;; and take one by own.
(component
  (import "host" (instance $host
    (export "hr" (type $hr (sub resource)))
    (export "poke" (func (param "h" (borrow $hr))))
  ))
  (alias export $host "hr" (type $hr))
  (alias export $host "poke" (func $poke))

  (core module $dm
    (global $n (mut i32) (i32.const 0))
    (func (export "dtor") (param i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1))))
    (func (export "dtors") (result i32) (global.get $n))
  )
  (core instance $d (instantiate $dm))
  (type $r (resource (rep i32) (dtor (core func $d "dtor"))))

  (core func $r_new (canon resource.new $r))
  (core func $r_rep (canon resource.rep $r))
  (core func $r_drop (canon resource.drop $r))
  (core func $hr_drop (canon resource.drop $hr))
  (core func $poke_l (canon lower (func $poke)))

  (core module $m
    (import "r" "new" (func $new (param i32) (result i32)))
    (import "r" "rep" (func $rep (param i32) (result i32)))
    (import "r" "drop" (func $drop (param i32)))
    (import "hr" "drop" (func $hdrop (param i32)))
    (import "host" "poke" (func $poke (param i32)))
    (func (export "new") (param i32) (result i32) (call $new (local.get 0)))
    ;; a borrow of a resource this component defines arrives as the rep
    (func (export "rep") (param i32) (result i32) (local.get 0))
    (func (export "drop-twice") (param i32) (call $drop (local.get 0)) (call $drop (local.get 0)))
    (func (export "rep-after-drop") (param i32) (result i32)
      (call $drop (local.get 0)) (call $rep (local.get 0)))
    (func (export "keep-borrow") (param i32))
    (func (export "drop-borrow") (param i32) (call $hdrop (local.get 0)))
    (func (export "lend-to-host") (param i32) (call $poke (local.get 0)) (call $hdrop (local.get 0)))
    (func (export "take") (param i32) (call $hdrop (local.get 0)))
    (func (export "drop-borrow-twice") (param i32) (call $hdrop (local.get 0)) (call $hdrop (local.get 0)))
  )
  (core instance $i (instantiate $m
    (with "r" (instance (export "new" (func $r_new)) (export "rep" (func $r_rep)) (export "drop" (func $r_drop))))
    (with "hr" (instance (export "drop" (func $hr_drop))))
    (with "host" (instance (export "poke" (func $poke_l))))
  ))

  (export $re "r" (type $r))
  (func (export "new") (param "rep" u32) (result (own $re)) (canon lift (core func $i "new")))
  (func (export "rep") (param "h" (borrow $re)) (result u32) (canon lift (core func $i "rep")))
  (func (export "drop-twice") (param "h" (own $re)) (canon lift (core func $i "drop-twice")))
  (func (export "rep-after-drop") (param "h" (own $re)) (result u32) (canon lift (core func $i "rep-after-drop")))
  (func (export "dtors") (result u32) (canon lift (core func $d "dtors")))
  (func (export "keep-borrow") (param "h" (borrow $hr)) (canon lift (core func $i "keep-borrow")))
  (func (export "drop-borrow") (param "h" (borrow $hr)) (canon lift (core func $i "drop-borrow")))
  (func (export "lend-to-host") (param "h" (borrow $hr)) (canon lift (core func $i "lend-to-host")))
  (func (export "take") (param "h" (own $hr)) (canon lift (core func $i "take")))
  (func (export "drop-borrow-twice") (param "h" (borrow $hr)) (canon lift (core func $i "drop-borrow-twice")))
)
