;; resource_types.wat — resource type identity (test_cm_resources.c): two
;; resources a and b defined here, and a nested component that imports a
;; (type-import substitution: its (sub resource) stands for a) and takes
;; borrows of it. A handle of one type where the other is expected traps.
(component
  (core module $dm (func (export "dtor") (param i32)))
  (core instance $d (instantiate $dm))
  (type $a (resource (rep i32) (dtor (core func $d "dtor"))))
  (type $b (resource (rep i32)))
  (core func $a_new (canon resource.new $a))
  (core func $b_new (canon resource.new $b))
  (core func $a_rep (canon resource.rep $a))
  (core func $a_drop (canon resource.drop $a))
  (core module $m
    (import "r" "a-new" (func $a_new (param i32) (result i32)))
    (import "r" "b-new" (func $b_new (param i32) (result i32)))
    (import "r" "a-rep" (func $a_rep (param i32) (result i32)))
    (import "r" "a-drop" (func $a_drop (param i32)))
    (func (export "new-a") (param i32) (result i32) (call $a_new (local.get 0)))
    (func (export "new-b") (param i32) (result i32) (call $b_new (local.get 0)))
    (func (export "rep") (param i32) (result i32) (local.get 0))
    ;; resource.rep / drop of a on a handle of b
    (func (export "rep-a-of-b") (param i32) (result i32)
      (call $a_rep (call $b_new (local.get 0))))
    (func (export "drop-a-of-b") (param i32)
      (call $a_drop (call $b_new (local.get 0))))
    ;; an own of b returned as an own of a
    (func (export "b-as-a") (param i32) (result i32) (call $b_new (local.get 0))))
  (core instance $i (instantiate $m
    (with "r" (instance (export "a-new" (func $a_new)) (export "b-new" (func $b_new))
      (export "a-rep" (func $a_rep)) (export "a-drop" (func $a_drop))))))
  (export $ae "a" (type $a))
  (export $be "b" (type $b))
  (func $rep_a (param "h" (borrow $ae)) (result u32) (canon lift (core func $i "rep")))
  (func (export "new-a") (param "v" u32) (result (own $ae)) (canon lift (core func $i "new-a")))
  (func (export "new-b") (param "v" u32) (result (own $be)) (canon lift (core func $i "new-b")))
  (export "rep-a" (func $rep_a))
  (func (export "rep-b") (param "h" (borrow $be)) (result u32) (canon lift (core func $i "rep")))
  (func (export "rep-a-of-b") (param "v" u32) (result u32) (canon lift (core func $i "rep-a-of-b")))
  (func (export "drop-a-of-b") (param "v" u32) (canon lift (core func $i "drop-a-of-b")))
  (func (export "b-as-a") (param "v" u32) (result (own $ae)) (canon lift (core func $i "b-as-a")))

  ;; the nested component: its r is a; it passes a borrow on to rep-a
  (component $N
    (import "r" (type $r (sub resource)))
    (import "rep" (func $rep (param "h" (borrow $r)) (result u32)))
    (core func $rep_l (canon lower (func $rep)))
    (core func $drop (canon resource.drop $r))
    (core module $nm
      (import "n" "rep" (func $rep (param i32) (result i32)))
      (import "n" "drop" (func $drop (param i32)))
      (func (export "twice") (param i32) (result i32)
        (local $x i32)
        (local.set $x (i32.mul (call $rep (local.get 0)) (i32.const 2)))
        (call $drop (local.get 0))
        (local.get $x)))
    (core instance $ni (instantiate $nm
      (with "n" (instance (export "rep" (func $rep_l)) (export "drop" (func $drop))))))
    (func (export "twice") (param "h" (borrow $r)) (result u32) (canon lift (core func $ni "twice"))))
  (instance $n (instantiate $N (with "r" (type $ae)) (with "rep" (func $rep_a))))
  (export "twice" (func $n "twice"))
)
