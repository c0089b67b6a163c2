trigger Product2Trigger on Product2(before insert, before update) {
    new Product2TriggerHandler().run();
}
