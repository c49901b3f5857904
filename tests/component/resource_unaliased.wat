;; resource_unaliased.wat — resource identity through an instance import
;; whose resource type is never aliased out (test_cm_resources.c): the
;; consumer C imports the provider's instance (r, make, rep) and lowers
;; make and rep, whose types name the import's own r; that r stands for
;; the provider's resource from the import on. round(v) = rep(make(v)).
;; D imports two such instances, p and q, and passes p's handle to q's
;; rep: the same resource when both are one instance (same), another
;; resource type when q is of another provider (mixed: a trap).
(component
  (component $P
    (type $r (resource (rep i32)))
    (core func $r_new (canon resource.new $r))
    (core module $m
      (import "r" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "rep") (param i32) (result i32) (local.get 0)))
    (core instance $i (instantiate $m (with "r" (instance (export "new" (func $r_new))))))
    (export $re "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $re)) (canon lift (core func $i "make")))
    (func (export "rep") (param "h" (borrow $re)) (result u32) (canon lift (core func $i "rep"))))
  (component $C
    (import "p" (instance $p
      (export "r" (type $r (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))
      (export "rep" (func (param "h" (borrow $r)) (result u32)))))
    (core func $make (canon lower (func $p "make")))
    (core func $rep (canon lower (func $p "rep")))
    (core module $cm
      (import "p" "make" (func $make (param i32) (result i32)))
      (import "p" "rep" (func $rep (param i32) (result i32)))
      (func (export "round") (param i32) (result i32) (call $rep (call $make (local.get 0)))))
    (core instance $ci (instantiate $cm
      (with "p" (instance (export "make" (func $make)) (export "rep" (func $rep))))))
    (func (export "round") (param "v" u32) (result u32) (canon lift (core func $ci "round"))))
  (component $Q
    (type $r (resource (rep i32)))
    (export $re "r" (type $r))
    (core module $m (func (export "rep") (param i32) (result i32) (local.get 0)))
    (core instance $i (instantiate $m))
    (func (export "make") (param "v" u32) (result (own $re)) (canon lift (core func $i "rep")))
    (func (export "rep") (param "h" (borrow $re)) (result u32) (canon lift (core func $i "rep"))))
  (component $D
    (import "p" (instance $p
      (export "r" (type $r (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))))
    (import "q" (instance $q
      (export "r" (type $r (sub resource)))
      (export "rep" (func (param "h" (borrow $r)) (result u32)))))
    (core func $make (canon lower (func $p "make")))
    (core func $rep (canon lower (func $q "rep")))
    (core module $dm
      (import "d" "make" (func $make (param i32) (result i32)))
      (import "d" "rep" (func $rep (param i32) (result i32)))
      (func (export "round") (param i32) (result i32) (call $rep (call $make (local.get 0)))))
    (core instance $di (instantiate $dm
      (with "d" (instance (export "make" (func $make)) (export "rep" (func $rep))))))
    (func (export "round") (param "v" u32) (result u32) (canon lift (core func $di "round"))))
  (instance $p1 (instantiate $P))
  (instance $q1 (instantiate $Q))
  (instance $same (instantiate $D (with "p" (instance $p1)) (with "q" (instance $p1))))
  (instance $mixed (instantiate $D (with "p" (instance $p1)) (with "q" (instance $q1))))
  (export "same" (func $same "round"))
  (export "mixed" (func $mixed "round"))
  (instance $c1 (instantiate $C (with "p" (instance $p1))))
  (instance $p2 (instantiate $P))
  (instance $c2 (instantiate $C (with "p" (instance $p2))))
  (export "round" (func $c1 "round"))
  (export "round2" (func $c2 "round")))
