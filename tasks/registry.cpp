// The task registry: one line per task (style.md §6). Each task's file defines its TaskInfo.
#include "engine/error.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

TaskInfo lambada_openai_task();  // tasks/lambada_openai.cpp
TaskInfo piqa_task();            // tasks/piqa.cpp
TaskInfo winogrande_task();      // tasks/winogrande.cpp
TaskInfo arc_easy_task();        // tasks/arc_easy.cpp
TaskInfo sciq_task();            // tasks/sciq.cpp

const std::vector<TaskInfo>& registry() {
    static const std::vector<TaskInfo> tasks{lambada_openai_task(), piqa_task(), winogrande_task(),
                                             arc_easy_task(), sciq_task()};
    return tasks;
}

const TaskInfo& find_task(const std::string& name) {
    std::string known;
    for (const auto& t : registry()) {
        if (t.name == name) return t;
        known += (known.empty() ? "" : ", ") + t.name;
    }
    throw_bad_input("", "--tasks", "unknown task '" + name + "' (known: " + known + ")");
}

}  // namespace pe::tasks
