;; generativity.wat — resource generativity at validation (test_component.c):
;; a component $C defining a resource, exporting it and a function taking
;; it, instantiated twice; $D imports a resource and a function of it and
;; is instantiated with one instance's pair. Each instance has a resource
;; of its own, and each import of the instance type $I too.
(component
  (type $I (instance
    (export "r" (type $r (sub resource)))
    (export "make" (func (result (own $r))))))
  (import "i1" (instance $i1 (type $I)))
  (import "i2" (instance $i2 (type $I)))
  (component $C
    (core module $m (func (export "f") (param i32)))
    (core instance $ci (instantiate $m))
    (type $R (resource (rep i32)))
    (export $R' "r" (type $R))
    (func (export "f") (param "x" (own $R')) (canon lift (core func $ci "f"))))
  (instance $c1 (instantiate $C))
  (instance $c2 (instantiate $C))
  (component $D
    (import "r" (type $R (sub resource)))
    (import "f" (func (param "x" (own $R)))))
  (instance (instantiate $D (with "r" (type $c1 "r")) (with "f" (func $c1 "f"))))
  (instance (instantiate $D (with "r" (type $c2 "r")) (with "f" (func $c2 "f")))))
