#include "Invariants.h"
#include "StoreFixture.h"
#include "TestFiles.h"
#include "util/Exceptions.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using courierd::test::StoreFixture;
using Kind = AssignOutcome::Kind;
using courierd::test::joined;

namespace
{

// Everything assignment may write, as one text, to prove that nothing changed.
std::string snapshot(const courierd::test::TestDatabase& db)
{
    return std::to_string(db.scalar("SELECT count(*) FROM deliveries")) + "/" +
           std::to_string(db.scalar("SELECT sum(hashtext(c::text)) FROM couriers c")) + "/" +
           std::to_string(db.scalar("SELECT sum(hashtext(d::text)) FROM deliveries d"));
}

// Eight couriers with a history: loads 1 to 3, one paused, one busy (with order h6).
void giveHistory(StoreFixture& store)
{
    const char* transports[] = {"car", "on_foot", "scooter"};
    for (int i = 0; i < 8; ++i)
        store.addCourier("c" + std::to_string(i), transports[i % 3],
                         i == 5 ? "paused" : "available");
    for (int i = 0; i < 7; ++i)
        store.assigner.assign("h" + std::to_string(i), "test");
    for (int i = 0; i < 6; ++i)
        store.expire("h" + std::to_string(i));
    for (int i = 0; i < 4; ++i)
        store.assigner.assign("g" + std::to_string(i), "test");
    for (int i = 0; i < 4; ++i)
        store.expire("g" + std::to_string(i));
}

// Who got what, and for how long: everything an assignment decides.
std::string decisions(const courierd::test::TestDatabase& db)
{
    return joined(db.column("SELECT order_id || ' ' || source || ' ' || courier_id || ' ' || "
                            "(deadline - assigned_at) FROM deliveries ORDER BY order_id"));
}

std::string describe(const std::vector<AssignOutcome>& outcomes)
{
    std::string out;
    for (const auto& outcome : outcomes)
        out += std::to_string(static_cast<int>(outcome.kind)) + ":" +
               std::to_string(outcome.courierId) + " ";
    return out;
}

} // namespace

class CourierAssignerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CourierAssignerTest);
    CPPUNIT_TEST(choosesTheLeastLoadedThenLowestId);
    CPPUNIT_TEST(deadlineDependsOnTransport);
    CPPUNIT_TEST(pausedAndBusyCouriersAreNeverChosen);
    CPPUNIT_TEST(repeatingAnAssignmentReturnsTheSameCourierAndWritesNothing);
    CPPUNIT_TEST(noCourierWritesNothing);
    CPPUNIT_TEST(unassignRemovesTheDeliveryAndFreesTheCourier);
    CPPUNIT_TEST(unassignOfAnExpiredDeliveryLeavesTheCouriersNewOrder);
    CPPUNIT_TEST(aDeliveryEndedAtTheSourceFreesItsCourierAndStaysAsHistory);
    CPPUNIT_TEST(ordersOfTwoSourcesWithTheSameIdAreDifferentOrders);
    CPPUNIT_TEST(invalidOrderIdIsRefused);
    CPPUNIT_TEST(aSetIsAssignedExactlyAsOneByOneInOrderWould);
    CPPUNIT_TEST(aSetTakesAnyOrderIdAndSourceText);
    CPPUNIT_TEST(anInvalidIdInASetWritesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void choosesTheLeastLoadedThenLowestId()
    {
        StoreFixture store("assigner");
        const auto a = store.addCourier("a").id;
        const auto b = store.addCourier("b").id;
        const auto c = store.addCourier("c").id;

        CPPUNIT_ASSERT_EQUAL(a, store.assigner.assign("o1", "test").courierId);
        CPPUNIT_ASSERT_EQUAL(b, store.assigner.assign("o2", "test").courierId);
        CPPUNIT_ASSERT_EQUAL(c, store.assigner.assign("o3", "test").courierId);
        store.expire("o1");
        store.expire("o2");
        // a and b are free with one delivery each: the lower id wins.
        CPPUNIT_ASSERT_EQUAL(a, store.assigner.assign("o4", "test").courierId);
        store.expire("o3");
        store.expire("o4");
        // Loads are now a=2, b=1, c=1: b, then c, then a.
        CPPUNIT_ASSERT_EQUAL(b, store.assigner.assign("o5", "test").courierId);
        CPPUNIT_ASSERT_EQUAL(c, store.assigner.assign("o6", "test").courierId);
        CPPUNIT_ASSERT_EQUAL(a, store.assigner.assign("o7", "test").courierId);
        CPPUNIT_ASSERT(store.assigner.assign("o8", "test").kind == Kind::NoCourierAvailable);
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(store.database)),
                               test::violatedInvariants(store.database).empty());
    }

    void deadlineDependsOnTransport()
    {
        StoreFixture store("assigner");
        const struct
        {
            const char* transport;
            Poco::Int64 seconds;
        } cases[] = {{"on_foot", 30 * 60}, {"scooter", 15 * 60}, {"car", 5 * 60}};
        for (const auto& c : cases)
        {
            const auto courier = store.addCourier(c.transport, c.transport);
            const std::string order = std::string("order-") + c.transport;
            const AssignOutcome outcome = store.assigner.assign(order, "test");
            CPPUNIT_ASSERT(outcome.kind == Kind::Assigned);
            CPPUNIT_ASSERT_EQUAL(courier.id, outcome.courierId);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                c.transport, c.seconds,
                store.db.scalar("SELECT extract(epoch FROM deadline - assigned_at)::bigint "
                                "FROM deliveries WHERE order_id = '" +
                                order + "'"));
            CPPUNIT_ASSERT_EQUAL(
                outcome.deadline.epochMicroseconds(),
                store.db.scalar("SELECT (extract(epoch FROM deadline) * 1000000)::bigint "
                                "FROM deliveries WHERE order_id = '" +
                                order + "'"));
            const auto stored = store.couriers.get(courier.id);
            CPPUNIT_ASSERT(stored->status == CourierStatus::Busy);
            CPPUNIT_ASSERT(stored->busyUntil == outcome.deadline);
            CPPUNIT_ASSERT_EQUAL(order, stored->activeOrderId.value_or(""));
        }
    }

    void pausedAndBusyCouriersAreNeverChosen()
    {
        StoreFixture store("assigner");
        const auto paused = store.addCourier("paused", "car", "paused").id;
        const auto available = store.addCourier("available").id;
        CPPUNIT_ASSERT_EQUAL(available, store.assigner.assign("o1", "test").courierId);
        // `available` is busy now and `paused` is paused: nobody is left.
        CPPUNIT_ASSERT(store.assigner.assign("o2", "test").kind == Kind::NoCourierAvailable);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM deliveries WHERE courier_id = " +
                                             std::to_string(paused)));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), store.db.scalar("SELECT count(*) FROM deliveries"));
    }

    void repeatingAnAssignmentReturnsTheSameCourierAndWritesNothing()
    {
        StoreFixture store("assigner");
        store.addCourier("first");
        const AssignOutcome first = store.assigner.assign("o1", "test");
        store.addCourier("second");
        const std::string before = snapshot(store.db);

        const AssignOutcome again = store.assigner.assign("o1", "test");
        CPPUNIT_ASSERT(again.kind == Kind::AlreadyAssigned);
        CPPUNIT_ASSERT_EQUAL(first.courierId, again.courierId);
        CPPUNIT_ASSERT(first.deadline == again.deadline);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(store.db));
    }

    void noCourierWritesNothing()
    {
        StoreFixture store("assigner");
        CPPUNIT_ASSERT(store.assigner.assign("o1", "test").kind == Kind::NoCourierAvailable);
        store.addCourier("resting", "car", "paused");
        const std::string before = snapshot(store.db);
        CPPUNIT_ASSERT(store.assigner.assign("o1", "test").kind == Kind::NoCourierAvailable);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(store.db));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), store.db.scalar("SELECT count(*) FROM deliveries"));
    }

    void unassignRemovesTheDeliveryAndFreesTheCourier()
    {
        StoreFixture store("assigner");
        const auto courier = store.addCourier("a").id;
        store.assigner.assign("o1", "test");
        CPPUNIT_ASSERT_EQUAL(
            courier, store.assigner.unassign("test", "o1").value_or(Unassigned{}).courierId);
        const auto stored = store.couriers.get(courier);
        CPPUNIT_ASSERT(stored->status == CourierStatus::Available);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), stored->deliveryCount);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), store.db.scalar("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT(!store.assigner.unassign("test", "o1").has_value());
        CPPUNIT_ASSERT(!store.assigner.unassign("test", "never-seen").has_value());
        // The order can be assigned again.
        CPPUNIT_ASSERT(store.assigner.assign("o1", "test").kind == Kind::Assigned);
    }

    // Issue 21: a courier sent to an order canceled later comes back; the order is never
    // assigned again, and an operator cannot unassign what has ended.
    void aDeliveryEndedAtTheSourceFreesItsCourierAndStaysAsHistory()
    {
        StoreFixture store("assigner");
        const auto a = store.addCourier("a").id;
        const auto b = store.addCourier("b").id;
        const auto c = store.addCourier("c").id;
        store.assigner.assign({{"o1", "test"}, {"o2", "test"}, {"o3", "test"}});
        store.expire("o3");
        const auto ended =
            store.assigner.endDeliveries("test", {{"o1", EndReason::CanceledAtSource},
                                                  {"o3", EndReason::GoneAtSource},
                                                  {"never-seen", EndReason::GoneAtSource}});
        CPPUNIT_ASSERT((ended == std::vector<std::string>{"o1"})); // o3 had expired
        CPPUNIT_ASSERT(store.couriers.get(a)->status == CourierStatus::Available);
        CPPUNIT_ASSERT(store.couriers.get(b)->status == CourierStatus::Busy); // o2 untouched
        CPPUNIT_ASSERT(
            (store.db.column("SELECT end_reason FROM deliveries WHERE ended_at IS "
                             "NOT NULL") == std::vector<std::string>{"canceled_at_source"}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), store.db.scalar("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT_MESSAGE(joined(courierd::test::violatedInvariants(store.database)),
                               courierd::test::violatedInvariants(store.database).empty());
        // Ending again changes nothing; the order keeps its (ended) delivery for good.
        CPPUNIT_ASSERT(
            store.assigner.endDeliveries("test", {{"o1", EndReason::GoneAtSource}}).empty());
        const auto again = store.assigner.assign("o1", "test");
        CPPUNIT_ASSERT(again.kind == Kind::AlreadyAssigned);
        CPPUNIT_ASSERT_EQUAL(a, again.courierId);
        CPPUNIT_ASSERT(store.couriers.get(a)->status == CourierStatus::Available);
        try
        {
            store.assigner.unassign("test", "o1");
            CPPUNIT_FAIL("an ended delivery was unassigned");
        }
        catch (const CodedConflictException& e)
        {
            CPPUNIT_ASSERT_EQUAL(std::string("delivery_ended"), e.apiCode());
        }
        // The freed courier takes the next order; the invariants hold throughout.
        CPPUNIT_ASSERT_EQUAL(a, store.assigner.assign("o4", "test").courierId);
        CPPUNIT_ASSERT(store.couriers.get(c)->status == CourierStatus::Available);
        CPPUNIT_ASSERT(courierd::test::violatedInvariants(store.database).empty());
        CPPUNIT_ASSERT_THROW(store.assigner.endDeliveries("test", {{"", EndReason::GoneAtSource}}),
                             ValidationException);
    }

    // Found by hostile testing: with deliveries unique on order_id alone, a second source's
    // order 7 found the first source's delivery of order 7 and was "assigned" with no courier.
    void ordersOfTwoSourcesWithTheSameIdAreDifferentOrders()
    {
        StoreFixture store("assigner");
        const auto a = store.addCourier("a").id;
        const auto b = store.addCourier("b").id;
        const auto c = store.addCourier("c").id;
        CPPUNIT_ASSERT_EQUAL(a, store.assigner.assign("7", "east").courierId);
        const auto outcomes = store.assigner.assign({{"7", "west"}, {"7", "east"}, {"8", "west"}});
        CPPUNIT_ASSERT(outcomes[0].kind == Kind::Assigned);
        CPPUNIT_ASSERT_EQUAL(b, outcomes[0].courierId);
        CPPUNIT_ASSERT(outcomes[1].kind == Kind::AlreadyAssigned);
        CPPUNIT_ASSERT_EQUAL(a, outcomes[1].courierId);
        CPPUNIT_ASSERT_EQUAL(c, outcomes[2].courierId);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), store.db.scalar("SELECT count(*) FROM deliveries"));
        // Unassigning one source's order leaves the other's alone.
        CPPUNIT_ASSERT_EQUAL(b,
                             store.assigner.unassign("west", "7").value_or(Unassigned{}).courierId);
        CPPUNIT_ASSERT(store.couriers.get(b)->status == CourierStatus::Available);
        CPPUNIT_ASSERT(store.couriers.get(a)->status == CourierStatus::Busy);
        CPPUNIT_ASSERT_EQUAL(std::string("east"), store.couriers.get(a)->activeSource.value_or(""));
        CPPUNIT_ASSERT(courierd::test::violatedInvariants(store.database).empty());
    }

    void unassignOfAnExpiredDeliveryLeavesTheCouriersNewOrder()
    {
        StoreFixture store("assigner");
        const auto courier = store.addCourier("a").id;
        store.assigner.assign("o1", "test");
        store.expire("o1");
        CPPUNIT_ASSERT_EQUAL(courier, store.assigner.assign("o2", "test").courierId);
        CPPUNIT_ASSERT_EQUAL(
            courier, store.assigner.unassign("test", "o1").value_or(Unassigned{}).courierId);
        const auto stored = store.couriers.get(courier);
        CPPUNIT_ASSERT(stored->status == CourierStatus::Busy);
        CPPUNIT_ASSERT_EQUAL(std::string("o2"), stored->activeOrderId.value_or(""));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), stored->deliveryCount);
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(store.database)),
                               test::violatedInvariants(store.database).empty());
    }

    void invalidOrderIdIsRefused()
    {
        StoreFixture store("assigner");
        store.addCourier("a");
        CPPUNIT_ASSERT_THROW(store.assigner.assign("", "test"), ValidationException);
        CPPUNIT_ASSERT_THROW(store.assigner.assign("o1", ""), ValidationException);
        CPPUNIT_ASSERT_THROW(store.assigner.assign(std::string(257, 'x'), "test"),
                             ValidationException);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), store.db.scalar("SELECT count(*) FROM deliveries"));
    }

    // The set-based path decides what the one-by-one path would: the same least-loaded
    // couriers in the same order, the same deadlines, the same answer for an order that
    // already has a delivery, for a repeated order and for orders beyond the free couriers.
    void aSetIsAssignedExactlyAsOneByOneInOrderWould()
    {
        const std::vector<OrderRef> orders = {{"n1", "a"}, {"h6", "test"}, {"n2", "b"}, {"n2", "b"},
                                              {"n3", "a"}, {"n4", "b"},    {"n5", "a"}, {"n6", "a"},
                                              {"n7", "b"}, {"n8", "a"}};

        StoreFixture oneByOne("assigner");
        giveHistory(oneByOne);
        std::vector<AssignOutcome> sequential;
        for (const auto& order : orders)
            sequential.push_back(oneByOne.assigner.assign(order.orderId, order.source));

        StoreFixture asASet("assigner");
        giveHistory(asASet);
        const std::vector<AssignOutcome> batched = asASet.assigner.assign(orders);

        CPPUNIT_ASSERT_EQUAL(describe(sequential), describe(batched));
        CPPUNIT_ASSERT_EQUAL(decisions(oneByOne.db), decisions(asASet.db));
        // Six couriers were free: n1..n6 got one (n2 once), n7 and n8 wait.
        CPPUNIT_ASSERT(batched[0].kind == Kind::Assigned);
        CPPUNIT_ASSERT(batched[1].kind == Kind::AlreadyAssigned);
        CPPUNIT_ASSERT(batched[3].kind == Kind::AlreadyAssigned);
        CPPUNIT_ASSERT_EQUAL(batched[2].courierId, batched[3].courierId);
        CPPUNIT_ASSERT(batched[7].kind == Kind::Assigned);
        CPPUNIT_ASSERT(batched[8].kind == Kind::NoCourierAvailable);
        CPPUNIT_ASSERT(batched[9].kind == Kind::NoCourierAvailable);
        for (auto* store : {&oneByOne, &asASet})
            CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(store->database)),
                                   test::violatedInvariants(store->database).empty());
    }

    void aSetTakesAnyOrderIdAndSourceText()
    {
        StoreFixture store("assigner");
        const std::vector<OrderRef> orders = {{"with \"quotes\"", "a,b"},
                                              {"back\\slash", "{braces}"},
                                              {"NULL", " spaced "},
                                              {"заказ-1", "ünïcode"}};
        for (std::size_t i = 0; i < orders.size(); ++i)
            store.addCourier("c" + std::to_string(i));
        const auto outcomes = store.assigner.assign(orders);
        for (const auto& outcome : outcomes)
            CPPUNIT_ASSERT(outcome.kind == Kind::Assigned);
        CPPUNIT_ASSERT_EQUAL(
            std::string("NULL| spaced \nback\\slash|{braces}\nwith \"quotes\"|a,b\n"
                        "заказ-1|ünïcode\n"),
            joined(store.db.column("SELECT order_id || '|' || source FROM "
                                   "deliveries ORDER BY order_id COLLATE \"C\"")));
    }

    void anInvalidIdInASetWritesNothing()
    {
        StoreFixture store("assigner");
        store.addCourier("a");
        store.addCourier("b");
        const std::string before = snapshot(store.db);
        CPPUNIT_ASSERT_THROW(
            store.assigner.assign({{"fine", "test"}, {std::string(257, 'x'), "test"}}),
            ValidationException);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(store.db));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CourierAssignerTest);
