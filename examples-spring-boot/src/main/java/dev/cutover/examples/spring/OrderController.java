package dev.cutover.examples.spring;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code POST /orders} and {@code GET /orders/{id}}, written against the interface only. */
@RestController
class OrderController {
    private final OrderRepository orders;

    OrderController(OrderRepository orders) {
        this.orders = orders;
    }

    /** The body of {@code POST /orders}. */
    record NewOrder(String id, String item) {}

    @PostMapping("/orders")
    Order place(@RequestBody NewOrder order) {
        return orders.save(new Order(order.id(), order.item(), null));
    }

    @GetMapping("/orders/{id}")
    Order get(@PathVariable String id) {
        return orders.findById(id)
                .orElseThrow(() -> new ResponseStatusException(org.springframework.http.HttpStatus.NOT_FOUND));
    }
}
