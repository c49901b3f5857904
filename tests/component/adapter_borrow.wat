;; adapter_borrow.wat — borrows passed from one component instance to
;; another (test_cm_resources.c): B defines a resource r; A makes one (an
;; own in A's table) and lends it to C, which does not define r and lends
;; it on to B, which does and gets the rep.
(component
  (component $B
    (core module $dm
      (global $n (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1))))
      (func (export "dtors") (result i32) (global.get $n)))
    (core instance $d (instantiate $dm))
    (type $r (resource (rep i32) (dtor (core func $d "dtor"))))
    (core func $r_new (canon resource.new $r))
    (core module $m
      (import "r" "new" (func $new (param i32) (result i32)))
      (func (export "new") (param i32) (result i32) (call $new (local.get 0)))
      ;; a borrow of B's own resource arrives as the rep
      (func (export "get") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1000))))
    (core instance $i (instantiate $m (with "r" (instance (export "new" (func $r_new))))))
    (export $re "r" (type $r))
    (func (export "new") (param "v" u32) (result (own $re)) (canon lift (core func $i "new")))
    (func (export "get") (param "h" (borrow $re)) (result u32) (canon lift (core func $i "get")))
    (func (export "dtors") (result u32) (canon lift (core func $d "dtors"))))
  (instance $b (instantiate $B))
  (alias export $b "r" (type $r))

  (component $C
    (import "r" (type $r (sub resource)))
    (import "get" (func $get (param "h" (borrow $r)) (result u32)))
    (core func $get_l (canon lower (func $get)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "b" "get" (func $get (param i32) (result i32)))
      (import "b" "drop" (func $drop (param i32)))
      ;; a borrow of another component's resource is a handle in C's
      ;; table, which C must drop before it returns
      (func (export "relay") (param i32) (result i32)
        (local $x i32)
        (local.set $x (call $get (local.get 0)))
        (call $drop (local.get 0))
        (local.get $x))
      (func (export "index") (param i32) (result i32)
        (call $drop (local.get 0))
        (local.get 0))
      (func (export "keep") (param i32)))
    (core instance $i (instantiate $m
      (with "b" (instance (export "get" (func $get_l)) (export "drop" (func $drop))))))
    (func (export "relay") (param "h" (borrow $r)) (result u32) (canon lift (core func $i "relay")))
    (func (export "index") (param "h" (borrow $r)) (result u32) (canon lift (core func $i "index")))
    (func (export "keep") (param "h" (borrow $r)) (canon lift (core func $i "keep"))))
  (instance $c (instantiate $C (with "r" (type $r)) (with "get" (func $b "get"))))

  (component $A
    (import "r" (type $r (sub resource)))
    (import "new" (func $new (param "v" u32) (result (own $r))))
    (import "relay" (func $relay (param "h" (borrow $r)) (result u32)))
    (import "index" (func $index (param "h" (borrow $r)) (result u32)))
    (import "keep" (func $keep (param "h" (borrow $r))))
    (core func $new_l (canon lower (func $new)))
    (core func $relay_l (canon lower (func $relay)))
    (core func $index_l (canon lower (func $index)))
    (core func $keep_l (canon lower (func $keep)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "c" "new" (func $new (param i32) (result i32)))
      (import "c" "relay" (func $relay (param i32) (result i32)))
      (import "c" "index" (func $index (param i32) (result i32)))
      (import "c" "keep" (func $keep (param i32)))
      (import "c" "drop" (func $drop (param i32)))
      (func (export "run") (param i32) (result i32)
        (local $h i32) (local $x i32)
        (local.set $h (call $new (local.get 0)))
        (local.set $x (call $relay (local.get $h)))
        (local.set $x (i32.add (local.get $x) (call $relay (local.get $h))))
        (call $drop (local.get $h))
        (local.get $x))
      (func (export "index") (param i32) (result i32)
        (local $h i32) (local $x i32)
        (local.set $h (call $new (local.get 0)))
        (local.set $x (call $index (local.get $h)))
        (call $drop (local.get $h))
        (local.get $x))
      (func (export "keep") (param i32)
        (local $h i32)
        (local.set $h (call $new (local.get 0)))
        (call $keep (local.get $h))
        (call $drop (local.get $h))))
    (core instance $i (instantiate $m
      (with "c" (instance (export "new" (func $new_l)) (export "relay" (func $relay_l))
        (export "index" (func $index_l))
        (export "keep" (func $keep_l)) (export "drop" (func $drop))))))
    (func (export "run") (param "v" u32) (result u32) (canon lift (core func $i "run")))
    (func (export "index") (param "v" u32) (result u32) (canon lift (core func $i "index")))
    (func (export "keep") (param "v" u32) (canon lift (core func $i "keep"))))
  (instance $a (instantiate $A (with "r" (type $r)) (with "new" (func $b "new"))
    (with "relay" (func $c "relay")) (with "index" (func $c "index"))
    (with "keep" (func $c "keep"))))

  (export "run" (func $a "run"))
  (export "index" (func $a "index"))
  (export "keep" (func $a "keep"))
  (export "dtors" (func $b "dtors"))
)
